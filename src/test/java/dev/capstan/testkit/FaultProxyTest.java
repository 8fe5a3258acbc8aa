package dev.capstan.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fault proxy passes requests and watches through, and injects what it is told to. */
@KubeTest
class FaultProxyTest {

    @TempDir
    Path tmp;

    @Test
    void passesThroughAndInjects(KubeControlPlane cp, TestNamespace ns) throws Exception {
        try (FaultProxy proxy = new FaultProxy(cp, tmp);
             KubernetesClient client = new KubernetesClientBuilder()
                     .withConfig(new ConfigBuilder(proxy.config()).withRequestRetryBackoffLimit(0).build()).build()) {
            CountDownLatch added = new CountDownLatch(1);
            try (var watch = client.configMaps().inNamespace(ns.name()).watch(new Watcher<ConfigMap>() {
                @Override
                public void eventReceived(Action action, ConfigMap resource) {
                    if (action == Action.ADDED && resource.getMetadata().getName().equals("through")) {
                        added.countDown();
                    }
                }

                @Override
                public void onClose(WatcherException cause) {
                }
            })) {
                client.configMaps().inNamespace(ns.name()).resource(new ConfigMapBuilder().withNewMetadata().withName("through")
                        .endMetadata().addToData("k", "v").build()).create();
                assertTrue(added.await(20, TimeUnit.SECONDS), "a watch event came through the proxy");
            }
            assertEquals("v", client.configMaps().inNamespace(ns.name()).withName("through").get().getData().get("k"));
            proxy.inject(FaultProxy.Fault.answer("GET", "/configmaps/through", 429, 3, 1).times(1));
            KubernetesClientException e = assertThrows(KubernetesClientException.class,
                    () -> client.configMaps().inNamespace(ns.name()).withName("through").get());
            assertEquals(429, e.getCode());
            assertEquals(3, e.getStatus().getDetails().getRetryAfterSeconds());
            assertEquals(1, proxy.injected());
            assertEquals("v", client.configMaps().inNamespace(ns.name()).withName("through").get().getData().get("k"));

            ConfigMap edit = new ConfigMapBuilder().withNewMetadata().withName("through").endMetadata().addToData("k", "w").build();
            proxy.inject(FaultProxy.Fault.answer("PATCH", "/configmaps/through", 500, 0, 1).times(1));
            assertEquals(500, assertThrows(KubernetesClientException.class, () -> client.configMaps().inNamespace(ns.name())
                    .resource(edit).fieldManager("t").serverSideApply()).getCode(), "an answer to a request with a body");
            proxy.inject(FaultProxy.Fault.of(FaultProxy.Kind.RESET, "PATCH", "/configmaps/through", java.time.Duration.ZERO, 1).times(1));
            assertThrows(KubernetesClientException.class, () -> client.configMaps().inNamespace(ns.name()).resource(edit)
                    .fieldManager("t").serverSideApply(), "a reset");
            assertEquals("w", client.configMaps().inNamespace(ns.name()).resource(edit).fieldManager("t").forceConflicts()
                    .serverSideApply()
                    .getData().get("k"), "then through again");
            assertEquals(3, proxy.injected());
        }
    }
}
