package dev.capstan.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capstan.testkit.KubeTest;
import dev.capstan.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pods are watched per namespace only while health asks for them; an idle watch is closed and reopened on demand. */
@KubeTest
class PodWatchesTest {

    @Test
    void anIdlePodWatchIsClosedAndTheNextRolloutReopensIt(KubernetesClient client, TestNamespace ns) {
        client.pods().inNamespace(ns.name()).resource(new PodBuilder().withNewMetadata().withName("web-1").addToLabels("app", "web")
                .endMetadata().withNewSpec().addNewContainer().withName("web").withImage("nginx").endContainer().endSpec().build()).create();
        DiscoveryCache discovery = new DiscoveryCache(client);
        try (LiveCache cache = new LiveCache(client, discovery::current)) {
            assertEquals(1, cache.pods(ns.name(), Map.of("app", "web")).size());
            assertEquals(1, cache.podWatches());

            cache.closeIdlePodWatches(System.nanoTime() - Duration.ofMinutes(10).toNanos());
            assertEquals(1, cache.podWatches(), "used a moment ago: kept");

            cache.closeIdlePodWatches(System.nanoTime() + 1);
            assertEquals(0, cache.podWatches(), "idle since before the cut-off: closed");

            assertEquals(1, cache.pods(ns.name(), Map.of("app", "web")).size(), "reopened with a fresh list");
            assertEquals(1, cache.podWatches());
        }
    }
}
