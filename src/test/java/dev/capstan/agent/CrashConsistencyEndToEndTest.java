package dev.capstan.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.plan.Ownership;
import dev.capstan.testkit.FaultProxy;
import dev.capstan.testkit.GitDaemonServer;
import dev.capstan.testkit.GitRemote;
import dev.capstan.testkit.HttpJson;
import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.KubeTest;
import dev.capstan.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent killed with SIGKILL at seeded random points of syncs of 500 objects that each prune 50: the agent runs as
 * a child process (as in a pod) against the real API server through the fault proxy, which counts the single-object
 * requests of the sync (lookups, dry-runs, applies, deletes, inventory writes) and kills the agent at the chosen one.
 * Right after each kill nothing Git holds before and after the commit is gone, the foreign object is untouched, and
 * every object labelled as Capstan's is in the inventory (no orphan, whatever happens next in Git). Each restarted
 * agent resumes the cut sync; after every fourth kill it is left to finish, and the app must have converged: every
 * desired object once and current, every pruned one gone, the inventory exact. {@code CAPSTAN_CRASH_KILLS} sets how many kills (default 20), {@code CAPSTAN_CRASH_SEED} the seed.
 */
@KubeTest
@Tag("faults") // long runs of the agent's own recovery: on the newest release only (see .ci/run)
class CrashConsistencyEndToEndTest {

    private static final int OBJECTS = 500;
    private static final int PRUNED = 50;
    /** Kills before the agent is left to converge: each restart resumes the sync the kill cut short. */
    private static final int KILLS_PER_COMMIT = 4;
    /** Each agent run's log survives the test, for whoever debugs a red CI. */
    private static final Path LOGS = Path.of("target", "crash-logs");

    @TempDir
    Path tmp;

    /** The running agent (the proxy's thread kills it). */
    private volatile Process agent;
    private int port;

    /** Git at window {@code k}: cm-{50k} .. cm-{50k+499}, each at version k; the window before it, deleted. */
    private static Map<String, String> window(int k) {
        Map<String, String> files = new HashMap<>();
        for (int i = PRUNED * (k - 1); i < PRUNED * k && k > 0; i++) {
            files.put("app/cm-" + i + ".yaml", null);
        }
        for (int i = PRUNED * k; i < PRUNED * k + OBJECTS; i++) {
            files.put("app/cm-" + i + ".yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-" + i + "}\ndata: {v: \"" + k + "\"}\n");
        }
        return files;
    }

    private static Set<String> names(int k) {
        if (k < 0) {
            return Set.of();
        }
        return IntStream.range(PRUNED * k, PRUNED * k + OBJECTS).mapToObj(i -> "cm-" + i).collect(Collectors.toCollection(TreeSet::new));
    }

    private void startAgent(Path config, Path kubeconfig, int run) throws Exception {
        Files.createDirectories(LOGS);
        agent = AgentProcess.start(config, kubeconfig, LOGS.resolve("agent-" + run + ".log"), Map.of(), "-Xmx256m",
                "-XX:TieredStopAtLevel=1");
    }

    @SuppressWarnings("unchecked")
    private boolean synced(HttpJson http, String sha) {
        try {
            Map<String, Object> s = http.getJson("/api/v1/applications/shop");
            Object last = s.get("lastSyncedRevision");
            return last instanceof Map<?, ?> m && sha.equals(m.get("sha")) && "Succeeded".equals(s.get("phase"));
        } catch (RuntimeException e) {
            return false; // not up yet
        }
    }

    @Test
    void killedAtTwentySeededPointsTheAppConvergesEveryTime(KubernetesClient client, TestNamespace namespace, KubeControlPlane cp)
            throws Exception {
        String ns = namespace.name();
        String agentNs = "capstan-" + ns.substring(2);
        int kills = Integer.parseInt(System.getenv().getOrDefault("CAPSTAN_CRASH_KILLS", "20"));
        long seed = Long.parseLong(System.getenv().getOrDefault("CAPSTAN_CRASH_SEED", "13"));
        Random random = new Random(seed);
        ConfigMap foreign = client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("foreign")
                .endMetadata().addToData("owner", "someone else").build()).create();
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        HttpJson http = new HttpJson(port);
        try (GitRemote remote = GitRemote.create(tmp.resolve("origin"));
             GitDaemonServer daemon = new GitDaemonServer(remote.bareDir());
             FaultProxy proxy = new FaultProxy(cp, tmp)) {
            Path config = tmp.resolve("capstan.yaml");
            Files.writeString(config, """
                    server: {port: %d, tokenEnv: SYNC_TOKEN, syncRateLimit: {burst: 1000}}
                    namespace: %s
                    cacheDir: %s
                    applications:
                      - name: shop
                        repo: {url: "%s", ref: main, path: app}
                        destination: {namespace: %s}
                        sync: {interval: 1h, prune: true}
                    """.formatted(port, agentNs, tmp.resolve("cache"), daemon.url(), ns));
            Path kubeconfig = cp.agentKubeconfig(proxy.url());
            String sha = remote.commit("window 0", window(0));
            startAgent(config, kubeconfig, 0);
            long t0 = System.nanoTime();
            await().atMost(Duration.ofSeconds(180)).until(() -> synced(http, sha));
            System.out.printf("crash consistency: first sync of %d objects %d ms from start%n", OBJECTS, (System.nanoTime() - t0) / 1_000_000);
            int midSync = 0;
            int kill = 0;
            Duration recovery = Duration.ZERO;
            for (int k = 1; kill < kills; k++) {
                String next = remote.commit("window " + k, window(k));
                // four kills per commit: one in the sync a person asked for, three in the syncs the restarted agent resumes
                for (int j = 0; j < KILLS_PER_COMMIT && kill < kills; j++, kill++) {
                    int point = 1 + random.nextInt(j == 0 ? 1100 : 700);
                    AtomicBoolean fired = new AtomicBoolean();
                    proxy.inject(FaultProxy.Fault.call("*", "/namespaces/(" + ns + "|" + agentNs + ")/configmaps/[^?]", point, () -> {
                        fired.set(true);
                        agent.destroyForcibly();
                    }));
                    if (j == 0) {
                        assertEquals(202, http.post("/api/v1/applications/shop/sync", AgentHarness.TOKEN).statusCode());
                    } else {
                        startAgent(config, kubeconfig, kill);
                    }
                    await().atMost(Duration.ofSeconds(180)).until(() -> fired.get() || synced(http, next));
                    proxy.clear();
                    midSync += fired.get() ? 1 : 0;
                    agent.destroyForcibly();
                    assertTrue(agent.waitFor(30, TimeUnit.SECONDS));
                    assertSafe(client, ns, agentNs, k, foreign, "kill " + (kill + 1) + " at request " + point);
                }
                long restartedAt = System.nanoTime();
                startAgent(config, kubeconfig, kill);
                await().atMost(Duration.ofSeconds(180)).until(() -> synced(http, next));
                recovery = recovery.plusNanos(System.nanoTime() - restartedAt);
                assertConverged(client, ns, agentNs, k, foreign, "after kill " + kill);
            }
            System.out.printf("crash consistency: %d kills (seed %d), %d of them mid-sync; safe after each; converged after each "
                    + "%d, on average %d ms from the restart (agent start and the rest of a sync of %d objects)%n", kills, seed, midSync,
                    KILLS_PER_COMMIT, recovery.toMillis() / Math.max(1, (kills + KILLS_PER_COMMIT - 1) / KILLS_PER_COMMIT), OBJECTS);
            assertTrue(midSync >= kills / 3, midSync + " of " + kills + " kills landed mid-sync: the points no longer fit the sync");
        } finally {
            if (agent != null) {
                agent.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            client.namespaces().withName(agentNs).delete();
        }
    }

    /** Right after a kill: nothing Git holds before and after the commit is gone, and Capstan's every object is in the inventory. */
    private static void assertSafe(KubernetesClient client, String ns, String agentNs, int k, ConfigMap foreign, String when) {
        Set<String> managed = managed(client, ns).keySet();
        Set<String> kept = new TreeSet<>(names(k));
        kept.retainAll(names(k - 1));
        Set<String> lost = new TreeSet<>(kept);
        lost.removeAll(managed);
        assertEquals(Set.of(), lost, when + ": objects Git holds before and after were deleted");
        Set<String> unknown = new TreeSet<>(managed);
        unknown.removeAll(inventory(client, agentNs));
        assertEquals(Set.of(), unknown, when + ": objects of Capstan's that its inventory does not know (orphans)");
        assertUntouched(client, ns, foreign, when);
    }

    private static Map<String, String> managed(KubernetesClient client, String ns) {
        return client.configMaps().inNamespace(ns).withLabel(Ownership.MANAGED_BY_LABEL, Ownership.MANAGED_BY)
                .list().getItems().stream().collect(Collectors.toMap(c -> c.getMetadata().getName(), c -> c.getData().get("v")));
    }

    private static Set<String> inventory(KubernetesClient client, String agentNs) {
        String objects = client.configMaps().inNamespace(agentNs).withName("capstan-inventory-shop").get().getData().get("objects");
        return Arrays.stream(objects.split("\n")).map(l -> l.substring(l.lastIndexOf(' ') + 1))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static void assertUntouched(KubernetesClient client, String ns, ConfigMap foreign, String when) {
        ConfigMap now = client.configMaps().inNamespace(ns).withName("foreign").get();
        assertEquals(foreign.getMetadata().getResourceVersion(), now.getMetadata().getResourceVersion(), when + ": foreign touched");
    }

    private static void assertConverged(KubernetesClient client, String ns, String agentNs, int k, ConfigMap foreign, String when) {
        Map<String, String> managed = managed(client, ns);
        assertEquals(names(k), new TreeSet<>(managed.keySet()), when + ": exactly Git's objects, none orphaned or lost");
        assertTrue(managed.values().stream().allMatch(String.valueOf(k)::equals), when + ": every object at version " + k);
        assertUntouched(client, ns, foreign, when);
        assertEquals(names(k), inventory(client, agentNs), when + ": the inventory is exact");
    }
}
