package dev.capstan.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --kubeconfig} option of every command that talks to a cluster: without it
 * the cluster is found as kubectl finds it ($KUBECONFIG, ~/.kube/config, in-cluster).
 */
final class KubeOptions {

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "Kubeconfig (default: $KUBECONFIG, ~/.kube/config, or in-cluster).")
    Path kubeconfig;

    KubernetesClient client() throws IOException {
        return client(null);
    }

    /** @param requests counts every request the client sends (null: no counting) */
    KubernetesClient client(dev.capstan.cluster.KubeRequests requests) throws IOException {
        KubernetesClientBuilder builder = new KubernetesClientBuilder();
        if (kubeconfig != null) {
            builder.withConfig(Config.fromKubeconfig(Files.readString(kubeconfig, StandardCharsets.UTF_8)));
        }
        if (requests != null) {
            builder.withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("capstan-requests", requests));
        }
        return builder.build();
    }
}
