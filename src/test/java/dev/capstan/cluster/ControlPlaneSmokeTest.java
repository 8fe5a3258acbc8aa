package dev.capstan.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.KubeTest;
import dev.capstan.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Proves the test control plane is the real thing: server-side apply, dry-run, watches, controllers. */
@KubeTest
class ControlPlaneSmokeTest {

    @Test
    void serverSideApplyDryRunAndInformerWorkAgainstTheRealApiServer(KubernetesClient client, TestNamespace ns) {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        try (SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace(ns.name()).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap cm) {
                seen.add("add:" + cm.getMetadata().getName() + "=" + cm.getData().get("color"));
            }

            @Override
            public void onUpdate(ConfigMap oldCm, ConfigMap cm) {
                seen.add("update:" + cm.getMetadata().getName() + "=" + cm.getData().get("color"));
            }

            @Override
            public void onDelete(ConfigMap cm, boolean unknown) {
            }
        })) {
            ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName("smoke").withNamespace(ns.name()).endMetadata()
                    .addToData("color", "blue").build();

            ConfigMap dry = client.resource(cm).dryRun().fieldManager("capstan").forceConflicts().serverSideApply();
            assertEquals("blue", dry.getData().get("color"));
            assertNull(client.configMaps().inNamespace(ns.name()).withName("smoke").get(), "dry-run must not persist");

            client.resource(cm).fieldManager("capstan").forceConflicts().serverSideApply();
            ConfigMap live = client.configMaps().inNamespace(ns.name()).withName("smoke").get();
            assertTrue(live.getMetadata().getManagedFields().stream()
                    .anyMatch(f -> "capstan".equals(f.getManager()) && "Apply".equals(f.getOperation())));

            cm.getData().put("color", "green");
            client.resource(cm).fieldManager("capstan").forceConflicts().serverSideApply();
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.containsAll(List.of("add:smoke=blue", "update:smoke=green")));
        }
    }

    @Test
    void deploymentBecomesAvailableThroughTheSimulatedKubelet(KubernetesClient client, TestNamespace ns, KubeControlPlane cp) {
        assumeTrue(cp.hasControllers(), "needs kube-controller-manager");
        client.resource(deployment(ns, "web", "nginx:1.25", 2, 600)).fieldManager("capstan").serverSideApply();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Deployment d = client.apps().deployments().inNamespace(ns.name()).withName("web").get();
            return d.getStatus() != null && Integer.valueOf(2).equals(d.getStatus().getAvailableReplicas());
        });
    }

    @Test
    void neverReadyImageStallsUntilProgressDeadlineExceeded(KubernetesClient client, TestNamespace ns, KubeControlPlane cp) {
        assumeTrue(cp.hasControllers(), "needs kube-controller-manager");
        client.resource(deployment(ns, "stuck", "web:never-ready", 1, 3)).fieldManager("capstan").serverSideApply();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Deployment d = client.apps().deployments().inNamespace(ns.name()).withName("stuck").get();
            return d.getStatus() != null && d.getStatus().getConditions() != null && d.getStatus().getConditions().stream()
                    .anyMatch(c -> "Progressing".equals(c.getType()) && "ProgressDeadlineExceeded".equals(c.getReason()));
        });
        Deployment d = client.apps().deployments().inNamespace(ns.name()).withName("stuck").get();
        assertNull(d.getStatus().getAvailableReplicas());
    }

    static Deployment deployment(TestNamespace ns, String name, String image, int replicas, int progressDeadline) {
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(ns.name()).endMetadata()
                .withNewSpec().withReplicas(replicas).withProgressDeadlineSeconds(progressDeadline)
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage(image).endContainer().endSpec()
                .endTemplate().endSpec().build();
    }
}
