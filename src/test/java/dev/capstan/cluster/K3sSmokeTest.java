package dev.capstan.cluster;

import static org.awaitility.Awaitility.await;

import dev.capstan.render.Manifest;
import dev.capstan.render.ManifestSet;
import dev.capstan.render.PlainRenderer;
import dev.capstan.render.RenderOptions;
import dev.capstan.source.LocalDirectoryTree;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * On a machine with Docker: a full k3s node with a real kubelet, so Pods really run.
 * {@code mvn -B test -Dtest=K3sSmokeTest}. Skipped where no Docker engine runs (CI here).
 */
@Testcontainers(disabledWithoutDocker = true)
class K3sSmokeTest {

    @Container
    static final K3sContainer K3S = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.31.4-k3s1"));

    @TempDir
    Path tmp;

    @Test
    void renderedManifestsApplyAndTheDeploymentBecomesAvailable() throws Exception {
        Files.writeString(tmp.resolve("app.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                      - name: web
                        image: rancher/mirrored-pause:3.6
                """);
        ManifestSet set = new PlainRenderer(RenderOptions.defaults()).render(new LocalDirectoryTree(tmp), "");
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(K3S.getKubeConfigYaml())).build()) {
            for (Manifest m : set.manifests()) {
                GenericKubernetesResource r = client.getKubernetesSerialization()
                        .convertValue(m.object(), GenericKubernetesResource.class);
                client.resource(r).inNamespace("default").fieldManager("capstan").forceConflicts().serverSideApply();
            }
            await().atMost(Duration.ofMinutes(3)).until(() -> {
                Deployment d = client.apps().deployments().inNamespace("default").withName("web").get();
                return d != null && d.getStatus() != null && Integer.valueOf(1).equals(d.getStatus().getAvailableReplicas());
            });
        }
    }
}
