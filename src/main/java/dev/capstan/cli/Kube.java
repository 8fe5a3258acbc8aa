package dev.capstan.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds a Kubernetes client the way kubectl finds its cluster, or from an explicit kubeconfig file. */
final class Kube {
    private Kube() {
    }

    static KubernetesClient client(Path kubeconfig) throws IOException {
        if (kubeconfig == null) {
            return new KubernetesClientBuilder().build();
        }
        Config config = Config.fromKubeconfig(Files.readString(kubeconfig, StandardCharsets.UTF_8));
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
