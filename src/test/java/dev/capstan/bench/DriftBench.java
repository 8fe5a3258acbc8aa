package dev.capstan.bench;

import dev.capstan.config.AgentConfig;
import dev.capstan.config.ConfigLoader;
import dev.capstan.agent.Agent;
import dev.capstan.agent.AppStatus;
import dev.capstan.testkit.GitRemote;
import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.RequestLog;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Drift latency, quoted in README.md ({@code scripts/bench --drift}): edit-to-detected
 * (self-heal off) and edit-to-corrected (self-heal on) over 25 edits each, and the API
 * requests the agent makes in 10 s while nothing drifts. Self-heal edits are 3.5 s apart:
 * drift that returns within 3 s of a heal is treated as a fight and backed off.
 */
public final class DriftBench {

    private static final int EDITS = 25;

    public static void main(String[] args) throws Exception {
        KubeControlPlane cp = KubeControlPlane.get();
        Path tmp = Files.createTempDirectory("capstan-driftbench");
        try (GitRemote remote = GitRemote.create(tmp.resolve("origin")); KubernetesClient client = cp.newClient()) {
            remote.commit("app", Map.of("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {color: blue}\n"));
            for (boolean selfHeal : new boolean[] {false, true}) {
                String ns = "drift-" + (selfHeal ? "heal" : "report");
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
                RequestLog log = new RequestLog();
                try (KubernetesClient agentClient = cp.newClient(log);
                     Agent agent = new Agent(config(tmp, remote, ns, selfHeal), agentClient, Map.of()).start()) {
                    AppStatus status = agent.statuses().get(0);
                    while (status.historySize() < 1 || status.syncStatus() != dev.capstan.agent.SyncStatus.Synced) {
                        Thread.sleep(20);
                    }
                    if (!selfHeal) {
                        log.clear();
                        Thread.sleep(10_000);
                        System.out.printf("API requests in 10 s while nothing drifts: %d %s%n", log.all().size(), log.all());
                    }
                    List<Long> latencies = new ArrayList<>();
                    for (int i = 0; i < EDITS; i++) {
                        Instant before = status.lastDriftAt();
                        long t0 = System.currentTimeMillis();
                        String value = "red-" + i;
                        client.configMaps().inNamespace(ns).withName("settings").edit(cm -> {
                            cm.getData().put("color", value);
                            return cm;
                        });
                        if (selfHeal) {
                            while (!"blue".equals(client.configMaps().inNamespace(ns).withName("settings").get().getData().get("color"))) {
                                Thread.sleep(2);
                            }
                            latencies.add(System.currentTimeMillis() - t0);
                            Thread.sleep(3_500); // edits at a person's pace: faster looks like a controller fighting self-heal
                        } else {
                            while (status.lastDriftAt() == null || status.lastDriftAt().equals(before)) {
                                Thread.sleep(2);
                            }
                            latencies.add(status.lastDriftAt().toEpochMilli() - t0);
                            client.configMaps().inNamespace(ns).withName("settings").edit(cm -> {
                                cm.getData().put("color", "blue");
                                return cm;
                            });
                            while (status.syncStatus() != dev.capstan.agent.SyncStatus.Synced) {
                                Thread.sleep(2);
                            }
                        }
                    }
                    Collections.sort(latencies);
                    System.out.printf("edit-to-%s over %d edits: p50 %d ms, p95 %d ms, max %d ms%n",
                            selfHeal ? "corrected (self-heal on)" : "detected (self-heal off)", EDITS,
                            latencies.get(EDITS / 2), latencies.get((int) Math.ceil(EDITS * 0.95) - 1), latencies.get(EDITS - 1));
                }
            }
        }
        System.exit(0);
    }

    private static AgentConfig config(Path tmp, GitRemote remote, String ns, boolean selfHeal) throws Exception {
        return ConfigLoader.parse("bench.yaml", """
                server: {port: 0}
                namespace: capstan-%1$s
                cacheDir: %2$s
                applications:
                  - name: bench
                    repo: {url: "%3$s", ref: main, path: app}
                    destination: {namespace: %1$s}
                    sync: {interval: 1h, selfHeal: %4$s}
                """.formatted(ns, tmp.resolve("cache-" + ns), remote.fileUrl(), selfHeal));
    }

    private DriftBench() {
    }
}
