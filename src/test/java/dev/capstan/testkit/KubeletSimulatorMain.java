package dev.capstan.testkit;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs the {@link KubeletSimulator} against a kubeconfig until killed, for
 * {@code scripts/demo}: without it the demo's control plane has no kubelet, Pods stay
 * Pending and every rollout would time out. Test code: it never ships in capstan.jar.
 */
public final class KubeletSimulatorMain {

    private KubeletSimulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        Config config = Config.fromKubeconfig(Files.readString(Path.of(args[0])));
        KubeletSimulator.start(new KubernetesClientBuilder().withConfig(config).build());
        System.err.println("kubelet simulator: binding pods to node " + KubeletSimulator.NODE
                + " (image tags :never-ready, :crashloop, :image-pull-error, :fail, :slow-ready misbehave on purpose)");
        Thread.currentThread().join();
    }
}
