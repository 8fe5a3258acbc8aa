package dev.capstan.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --kubeconfig} option of every command that talks to a cluster. */
final class KubeOptions {

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "Kubeconfig (default: $KUBECONFIG, ~/.kube/config, or in-cluster).")
    Path kubeconfig;

    KubernetesClient client() throws IOException {
        return Kube.client(kubeconfig);
    }
}
