package dev.capstan.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.testkit.GitGate;
import dev.capstan.testkit.GitGate.Mode;
import dev.capstan.testkit.GitHttpServer;
import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.KubeTest;
import dev.capstan.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Git misbehaving under a running agent, through a {@link GitGate} in front of a real
 * Git server over smart HTTP (git http-backend): down, hanging, a pack corrupt or cut short, the branch deleted, force-pushed
 * to an older commit, the repository replaced by an unrelated one. Each time the last good
 * revision stays applied, the status says what happened, and nothing is pruned.
 */
@KubeTest
class GitFaultsEndToEndTest {

    @TempDir
    Path tmp;

    private AgentHarness h;
    private GitHttpServer server;
    private GitGate gate;
    private String ns;

    @BeforeEach
    void setUp(TestNamespace namespace, KubeControlPlane cp) throws Exception {
        ns = namespace.name();
        h = new AgentHarness(tmp, cp, "capstan-" + ns.substring(2));
        // smart HTTP (git http-backend): what most servers speak, and where JGit enforces repo.timeout
        server = new GitHttpServer(h.remote.bareDir(), null);
        gate = new GitGate(Integer.parseInt(server.url().replaceAll(".*:(\\d+)/.*", "$1")));
        h.repoUrl = gate.url(server.url());
        h.repoOptions = ", timeout: 2s";
    }

    @AfterEach
    void tearDown(KubernetesClient client) {
        h.close();
        gate.close();
        server.close();
        client.namespaces().withName(ns).delete();
    }

    /** Ten ConfigMaps at {@code version} (cm-from .. cm-9), and a file of noise so a fetch carries a real pack. */
    private static Map<String, String> files(int from, String version) {
        Map<String, String> files = new HashMap<>();
        IntStream.range(from, 10).forEach(i -> files.put("app/cm-" + i + ".yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: cm-%d}
                data: {version: "%s"}
                """.formatted(i, version)));
        Random random = new Random(version.hashCode());
        StringBuilder noise = new StringBuilder();
        for (int i = 0; i < 4000; i++) {
            noise.append(Integer.toHexString(random.nextInt()));
        }
        files.put("docs/noise.txt", noise.toString());
        return files;
    }

    @Test
    void theLastGoodRevisionStaysAppliedWhateverGitDoes(KubernetesClient client) throws Exception {
        String v1 = h.remote.commit("v1", files(0, "v1"));
        h.start(ns, "app", "interval: 1h, prune: true");
        assertEquals("Succeeded", h.awaitSyncs(1).get("phase"));
        Map<String, String> atV1 = live(client);
        assertEquals(10, atV1.size());

        gate.mode(Mode.DOWN);
        Map<String, Object> down = sync(h::syncNow);
        assertFailed(down, "FetchFailed", "ls-remote");
        assertEquals(atV1, live(client));

        gate.mode(Mode.HANG);
        long start = System.nanoTime();
        Map<String, Object> hung = sync(h::syncNow);
        long hungMillis = (System.nanoTime() - start) / 1_000_000;
        assertFailed(hung, "FetchFailed", "time");
        assertTrue(hungMillis < 20_000, "repo.timeout bounds a hanging server: " + hungMillis + " ms");
        assertEquals(atV1, live(client));

        gate.mode(Mode.PASS);
        Map<String, String> v2files = files(3, "v2");
        IntStream.range(0, 3).forEach(i -> v2files.put("app/cm-" + i + ".yaml", null));
        String v2 = h.remote.commit("v2", v2files);
        for (Mode damaged : new Mode[] {Mode.CORRUPT_PACK, Mode.TRUNCATE_PACK}) {
            gate.mode(damaged);
            Map<String, Object> bad = sync(h::syncNow);
            assertFailed(bad, "FetchFailed", "fetch");
            assertEquals(atV1, live(client), damaged + ": v1 stays, nothing pruned");
        }
        gate.mode(Mode.PASS);
        Map<String, Object> good = sync(h::syncNow);
        assertEquals("Succeeded", good.get("phase"), "a damaged transfer leaves nothing behind: " + good.get("message"));
        Map<String, String> atV2 = live(client);
        assertEquals(7, atV2.size());
        assertTrue(atV2.values().stream().allMatch("v2"::equals));

        h.remote.deleteRemoteBranch("main");
        Map<String, Object> deleted = sync(h::syncNow);
        assertFailed(deleted, "FetchFailed", "ref \"main\" not found");
        assertEquals(atV2, live(client));

        h.remote.resetHardAndForcePush(v1);
        Map<String, Object> older = sync(this::push);
        assertFailed(older, "HistoryRewritten", v1.substring(0, 7));
        assertEquals(atV2, live(client), "force-pushed back to v1: not applied on a push, nothing pruned or re-created");
        Map<String, Object> accepted = sync(h::syncNow);
        assertEquals("Succeeded", accepted.get("phase"), "a person's sync accepts it: " + accepted.get("message"));
        assertEquals(atV1, live(client));

        h.remote.replaceHistory("main", "another project", Map.of("app/other.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: other}
                data: {version: "x"}
                """));
        Map<String, Object> replaced = sync(this::push);
        assertFailed(replaced, "HistoryRewritten", "history");
        assertEquals(atV1, live(client), "an unrelated repository prunes nothing on its own");
        System.out.printf("git faults: hanging server failed the sync after %d ms (repo.timeout 2s); v2 was %s%n", hungMillis,
                v2.substring(0, 7));
    }

    private void push() {
        assertEquals(202, h.http.post("/api/v1/webhooks/generic", Map.of("Authorization", "Bearer " + AgentHarness.HOOK_SECRET),
                new byte[0]).statusCode());
    }

    /** Triggers a sync and waits for it to end (history is capped, so the start time is what moves). */
    private Map<String, Object> sync(Runnable trigger) {
        Object before = h.status().get("lastSyncStartedAt");
        trigger.run();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Map<String, Object> s = h.status();
            return !Objects.equals(before, s.get("lastSyncStartedAt")) && !"Syncing".equals(s.get("phase"));
        });
        return h.status();
    }

    private static void assertFailed(Map<String, Object> status, String reason, String inMessage) {
        assertEquals("Failed", status.get("phase"), String.valueOf(status.get("message")));
        assertEquals(reason, status.get("reason"), String.valueOf(status.get("message")));
        assertTrue(String.valueOf(status.get("message")).contains(inMessage), "status names it: " + status.get("message"));
    }

    /** ConfigMap name -> data.version of the app's objects now. */
    private Map<String, String> live(KubernetesClient client) {
        return client.configMaps().inNamespace(ns).list().getItems().stream()
                .filter(c -> c.getMetadata().getName().startsWith("cm-") || c.getMetadata().getName().equals("other"))
                .collect(Collectors.toMap(c -> c.getMetadata().getName(), (ConfigMap c) -> c.getData().get("version"), (a, b) -> a,
                        TreeMap::new));
    }
}
