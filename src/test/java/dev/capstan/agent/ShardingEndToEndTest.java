package dev.capstan.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.testkit.GitDaemonServer;
import dev.capstan.testkit.GitRemote;
import dev.capstan.testkit.HttpJson;
import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.KubeTest;
import dev.capstan.testkit.TestNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three agent processes share 30 applications through membership Leases: each app is
 * synced by exactly one replica; a replica killed with SIGKILL loses its apps to the
 * others within the lease duration plus an interval; a new replica takes its share; and no
 * app is ever synced by two replicas at once (every sync of every replica is recorded and
 * compared).
 */
@KubeTest
class ShardingEndToEndTest {

    private static final int APPS = 30;
    private static final int LEASE_SECONDS = 6;
    private static final int INTERVAL_SECONDS = 2;

    @TempDir
    Path tmp;

    /** One sync as a replica's status history records it. */
    private record Sync(String app, String replica, Instant start, Instant end) {
    }

    @Test
    void appsAreSplitMovedOnAKillAndRebalancedWithoutEverTwoOwners(KubernetesClient client, TestNamespace ns, KubeControlPlane cp)
            throws Exception {
        String agentNs = "capstan-" + ns.name().substring(2);
        Map<String, String> files = new HashMap<>();
        StringBuilder apps = new StringBuilder();
        for (int i = 0; i < APPS; i++) {
            files.put("apps/app" + i + "/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app" + i + "}\ndata: {k: v}\n");
        }
        Map<Integer, Process> replicas = new TreeMap<>();
        Map<Integer, HttpJson> http = new TreeMap<>();
        Map<String, Sync> syncs = new ConcurrentHashMap<>();
        try (GitRemote remote = GitRemote.create(tmp.resolve("origin"));
             GitDaemonServer daemon = new GitDaemonServer(remote.bareDir())) {
            remote.commit("apps", files);
            for (int i = 0; i < APPS; i++) {
                apps.append("  - name: app").append(i).append("\n    repo: {url: \"").append(daemon.url())
                        .append("\", ref: main, path: apps/app").append(i).append("}\n    destination: {namespace: ").append(ns.name())
                        .append("}\n    sync: {interval: ").append(INTERVAL_SECONDS).append("s}\n");
            }
            for (int r = 1; r <= 3; r++) {
                start(r, agentNs, apps.toString(), cp, replicas, http);
            }
            // 1. every app runs on exactly one replica, and the three agree on who
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                record(http, syncs);
                return owners(http).size() == APPS && syncedApps(syncs, null).size() == APPS;
            });
            Map<String, Integer> owners = owners(http);
            for (int r = 1; r <= 3; r++) {
                int n = r;
                assertTrue(owners.values().stream().anyMatch(o -> o == n), "replica " + r + " owns no app: " + owners);
            }

            // 2. kill -9 replica 2: its apps are owned and synced by the others within lease + interval (+ two renew rounds)
            List<String> orphans = owners.entrySet().stream().filter(e -> e.getValue() == 2).map(Map.Entry::getKey).toList();
            Instant killed = Instant.now();
            replicas.remove(2).destroyForcibly().waitFor();
            http.remove(2);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                record(http, syncs);
                return syncedApps(syncs, killed).containsAll(orphans);
            });
            Duration takeover = orphans.stream().map(app -> syncs.values().stream()
                            .filter(s -> s.app().equals(app) && s.start().isAfter(killed)).map(Sync::start).min(Instant::compareTo)
                            .orElseThrow()).map(t -> Duration.between(killed, t)).max(Duration::compareTo).orElseThrow();
            System.out.printf("sharding: the %d apps of the SIGKILLed replica synced on the others within %d ms (lease %ds, interval %ds)%n",
                    orphans.size(), takeover.toMillis(), LEASE_SECONDS, INTERVAL_SECONDS);
            assertTrue(takeover.compareTo(Duration.ofSeconds(LEASE_SECONDS + INTERVAL_SECONDS + 4)) <= 0,
                    orphans.size() + " apps of the killed replica took " + takeover + " to sync elsewhere");

            // 3. a new replica joins: apps rebalance to it
            Instant joined = Instant.now();
            start(4, agentNs, apps.toString(), cp, replicas, http);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                record(http, syncs);
                return syncs.values().stream().anyMatch(s -> s.replica().startsWith("replica-4-") && s.start().isAfter(joined))
                        && owners(http).size() == APPS;
            });
            Thread.sleep(3000);
            record(http, syncs);

            // never two replicas syncing one app at the same time
            Map<String, List<Sync>> byApp = new TreeMap<>();
            syncs.values().forEach(s -> byApp.computeIfAbsent(s.app(), k -> new ArrayList<>()).add(s));
            for (List<Sync> list : byApp.values()) {
                for (Sync a : list) {
                    for (Sync b : list) {
                        if (!a.replica().equals(b.replica())) {
                            assertTrue(!a.start().isBefore(b.end()) || !b.start().isBefore(a.end()),
                                    "two replicas synced " + a.app() + " at once: " + a + " and " + b);
                        }
                    }
                }
            }
            assertEquals(APPS, byApp.size());
            System.out.printf("sharding: %d syncs recorded over 4 replicas, none overlapping another replica's for the same app%n",
                    syncs.size());
            assertTrue(syncs.size() > APPS * 3, "recorded " + syncs.size() + " syncs");
        } finally {
            replicas.values().forEach(p -> p.destroyForcibly());
            for (Process p : replicas.values()) {
                p.waitFor();
            }
            client.namespaces().withName(agentNs).delete();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSyncAskedOfAReplicaThatDoesNotOwnTheAppIsForwardedToItsOwner(KubernetesClient client, TestNamespace ns,
                                                                       KubeControlPlane cp) throws Exception {
        String agentNs = "capstan-" + ns.name().substring(2);
        Map<Integer, Process> replicas = new TreeMap<>();
        Map<Integer, HttpJson> http = new TreeMap<>();
        try (GitRemote remote = GitRemote.create(tmp.resolve("origin"));
             GitDaemonServer daemon = new GitDaemonServer(remote.bareDir())) {
            Map<String, String> files = new HashMap<>();
            StringBuilder apps = new StringBuilder();
            for (int i = 0; i < 6; i++) {
                files.put("apps/app" + i + "/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app" + i + "}\n");
                apps.append("  - name: app").append(i).append("\n    repo: {url: \"").append(daemon.url())
                        .append("\", ref: main, path: apps/app").append(i).append("}\n    destination: {namespace: ").append(ns.name())
                        .append("}\n    sync: {interval: 1h}\n");
            }
            remote.commit("apps", files);
            for (int r = 1; r <= 2; r++) {
                start(r, agentNs, apps.toString(), cp, replicas, http);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> owners(http).size() == 6);
            Map<String, Integer> owners = owners(http);
            for (Map.Entry<String, Integer> e : owners.entrySet()) {
                int owner = e.getValue();
                int other = owner == 1 ? 2 : 1;
                String path = "/api/v1/applications/" + e.getKey();
                int before = ((List<Object>) http.get(owner).getJson(path).get("history")).size();
                assertEquals(202, http.get(other).post(path + "/sync", AgentHarness.TOKEN).statusCode());
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        ((List<Object>) http.get(owner).getJson(path).get("history")).size() > before);
            }
        } finally {
            replicas.values().forEach(Process::destroyForcibly);
            for (Process p : replicas.values()) {
                p.waitFor();
            }
            client.namespaces().withName(agentNs).delete();
        }
    }

    private void start(int r, String agentNs, String apps, KubeControlPlane cp, Map<Integer, Process> replicas,
                       Map<Integer, HttpJson> http) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = tmp.resolve("replica" + r + ".yaml");
        Files.writeString(config, "server: {port: " + port + ", tokenEnv: SYNC_TOKEN}\nnamespace: " + agentNs + "\ncacheDir: " + tmp.resolve("cache" + r)
                + "\nsharding: {enabled: true, leaseDuration: " + LEASE_SECONDS + "s, renewPeriod: 1s}\napplications:\n" + apps);
        replicas.put(r, AgentProcess.start(config, cp.agentKubeconfig(), tmp.resolve("replica" + r + ".log"),
                Map.of("HOSTNAME", "replica-" + r), "-Xmx192m"));
        HttpJson client = new HttpJson(port);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            try {
                return client.get("/readyz").statusCode() == 200;
            } catch (RuntimeException e) {
                return false;
            }
        });
        http.put(r, client);
    }

    /** Every sync each live replica's status history holds now. */
    @SuppressWarnings("unchecked")
    private static void record(Map<Integer, HttpJson> http, Map<String, Sync> syncs) {
        for (HttpJson h : http.values()) {
            for (Object o : h.getJsonList("/api/v1/applications")) {
                Map<String, Object> s = (Map<String, Object>) o;
                for (Object e : (List<Object>) s.get("history")) {
                    Map<String, Object> entry = (Map<String, Object>) e;
                    Instant start = Instant.parse((String) entry.get("startedAt"));
                    Instant end = start.plusMillis((long) (((Number) entry.get("durationSeconds")).doubleValue() * 1000));
                    String replica = (String) entry.get("replica");
                    syncs.putIfAbsent(s.get("name") + "|" + replica + "|" + start, new Sync((String) s.get("name"), replica, start, end));
                }
            }
        }
    }

    /** App -> the replica number that reports running it; only apps exactly one live replica runs. */
    @SuppressWarnings("unchecked")
    private static Map<String, Integer> owners(Map<Integer, HttpJson> http) {
        Map<String, Set<Integer>> runners = new HashMap<>();
        http.forEach((r, h) -> {
            for (Object o : h.getJsonList("/api/v1/applications")) {
                Map<String, Object> s = (Map<String, Object>) o;
                if (String.valueOf(s.get("owner")).startsWith("replica-" + r + "-")) {
                    runners.computeIfAbsent((String) s.get("name"), k -> new java.util.HashSet<>()).add(r);
                }
            }
        });
        Map<String, Integer> owners = new HashMap<>();
        runners.forEach((app, rs) -> {
            if (rs.size() == 1) {
                owners.put(app, rs.iterator().next());
            }
        });
        return owners;
    }

    /** Apps with a sync recorded (since {@code after}, when given). */
    private static Set<String> syncedApps(Map<String, Sync> syncs, Instant after) {
        Set<String> apps = new java.util.HashSet<>();
        syncs.values().stream().filter(s -> after == null || s.start().isAfter(after)).forEach(s -> apps.add(s.app()));
        return apps;
    }
}
