package dev.capstan.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.KubeTest;
import dev.capstan.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * kube-apiserver or etcd killed (SIGKILL) in the middle of a sync of 200 objects and started again: the in-process
 * agent is not restarted. Its sync finishes or fails naming the outage, the next one converges, and its watches
 * come back by themselves: a live edit after the restart is seen and healed.
 */
@KubeTest
@Tag("faults") // long runs of the agent's own recovery: on the newest release only (see .ci/run)
class ControlPlaneRestartEndToEndTest {

    @TempDir
    Path tmp;

    private static Map<String, String> configMaps(String version) {
        Map<String, String> files = new HashMap<>();
        IntStream.range(0, 200).forEach(i -> files.put("app/cm-" + i + ".yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-" + i + "}\ndata: {version: \"" + version + "\"}\n"));
        return files;
    }

    @ParameterizedTest
    @ValueSource(strings = {"kube-apiserver", "etcd"})
    void theAgentRidesOutARestartMidSyncWithoutOneOfItsOwn(String component, KubernetesClient client, TestNamespace namespace,
                                                            KubeControlPlane cp) throws Exception {
        String ns = namespace.name();
        try (AgentHarness h = new AgentHarness(tmp, cp, "capstan-" + ns.substring(2))) {
            h.remote.commit("v1", configMaps("v1"));
            h.start(ns, "app", "interval: 1h, prune: true, selfHeal: true");
            assertEquals("Succeeded", h.awaitSyncs(1).get("phase"));

            h.remote.commit("v2", configMaps("v2"));
            h.requests.clear();
            h.syncNow();
            await().atMost(Duration.ofSeconds(60)).until(() -> h.requests.mutating().stream()
                    .filter(r -> r.contains("/configmaps/cm-") && !r.contains("dryRun")).count() >= 20);
            long down = System.nanoTime();
            cp.crash(component, Duration.ofSeconds(2));
            long back = System.nanoTime();
            Map<String, Object> during = h.awaitSyncs(2);
            String message = String.valueOf(during.get("message"));
            if (!"Succeeded".equals(during.get("phase"))) {
                assertTrue(message.length() > 20, "a failed sync says why: " + message);
                h.syncNow();
                assertEquals("Succeeded", h.awaitSyncs(3).get("phase"), String.valueOf(h.status().get("message")));
            }
            for (int i = 0; i < 200; i++) {
                assertEquals("v2", client.configMaps().inNamespace(ns).withName("cm-" + i).get().getData().get("version"));
            }
            ConfigMap inventory = client.configMaps().inNamespace(h.agentNamespace).withName("capstan-inventory-shop").get();
            Set<String> inventoried = dev.capstan.plan.Inventory.fromData(inventory.getData()).entries().stream()
                    .map(e -> e.ref().name()).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(IntStream.range(0, 200).mapToObj(i -> "cm-" + i).collect(Collectors.toCollection(TreeSet::new)), inventoried);

            // the agent's watches came back without a restart of its own: a live edit is seen and healed
            long edited = System.nanoTime();
            client.configMaps().inNamespace(ns).withName("cm-7").edit(cm -> {
                cm.getData().put("version", "edited by hand");
                return cm;
            });
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    "v2".equals(client.configMaps().inNamespace(ns).withName("cm-7").get().getData().get("version")));
            System.out.printf("%s killed mid-sync, back in %d ms; the sync then %s (%s); a live edit after it healed in %d ms%n",
                    component, (back - down) / 1_000_000, during.get("phase"), message.length() > 160 ? message.substring(0, 160) + "..." : message,
                    (System.nanoTime() - edited) / 1_000_000);
        }
    }
}
