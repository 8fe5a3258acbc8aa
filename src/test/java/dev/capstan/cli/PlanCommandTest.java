package dev.capstan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.plan.DesiredObject;
import dev.capstan.render.PlainRenderer;
import dev.capstan.render.RenderOptions;
import dev.capstan.source.LocalDirectoryTree;
import dev.capstan.engine.DesiredSet;
import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.KubeTest;
import dev.capstan.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code capstan plan} against the real API server: creates, unchanged, drift, exit codes. */
@KubeTest
class PlanCommandTest {

    @TempDir
    Path tmp;

    @Test
    void showsCreatesThenNothingThenTheDriftedField(KubernetesClient client, TestNamespace ns, KubeControlPlane cp) throws Exception {
        Path app = Files.createDirectories(tmp.resolve("web"));
        Files.writeString(app.resolve("app.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings}
                data: {color: blue}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers: [{name: web, image: "nginx:1.25", ports: [{containerPort: 80}]}]
                """);
        String[] args = {"plan", "--kubeconfig", cp.kubeconfig().toString(), "-n", ns.name(), app.toString()};

        CliRun first = CliRun.of(args);
        assertEquals(1, first.exitCode(), first.err());
        assertEquals(List.of("+ create ConfigMap/" + ns + "/settings", "+ create Deployment/" + ns + "/web",
                "plan: 2 to create, 0 to update, 0 to prune, 0 unchanged"), first.out().lines().toList());

        List<DesiredObject> desired = DesiredSet.of("web",
                new PlainRenderer(RenderOptions.defaults().withDefaultNamespace(ns.name())).render(new LocalDirectoryTree(app), ""));
        for (DesiredObject d : desired) {
            client.resource(client.getKubernetesSerialization().convertValue(d.body(), GenericKubernetesResource.class))
                    .fieldManager("capstan").forceConflicts().serverSideApply();
        }
        CliRun second = CliRun.of(args);
        assertEquals(0, second.exitCode(), second.out() + second.err());
        assertTrue(second.out().contains("= unchanged Deployment/" + ns + "/web"), second.out());

        client.apps().deployments().inNamespace(ns.name()).withName("web").scale(5);
        CliRun third = CliRun.of(args);
        assertEquals(1, third.exitCode());
        assertTrue(third.out().contains("~ update Deployment/" + ns + "/web /spec/replicas"), third.out());

        String[] diffArgs = args.clone();
        diffArgs[0] = "diff";
        CliRun diff = CliRun.of(diffArgs);
        assertEquals(1, diff.exitCode(), diff.err());
        assertTrue(diff.out().contains("~ drifted Deployment/" + ns + "/web: /spec/replicas\n"), diff.out());
        assertTrue(diff.out().contains("-  replicas: 5\n+  replicas: 2\n"), diff.out());
        assertTrue(diff.out().endsWith("diff: 1 of 2 objects differ\n"), diff.out());
    }
}
