package dev.capstan.agent;

import static org.awaitility.Awaitility.await;

import dev.capstan.config.ApplicationResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Application resources in tests: the CRD from {@code deploy/} installed as users install
 * it, objects created from YAML, conditions read back, and {@code kubectl} (the one on the
 * machine, pointed at the test control plane) where users would type it.
 */
final class ApplicationKit {

    private final KubernetesClient client;
    private final Path kubeconfig;
    private final String kubectl;

    ApplicationKit(KubernetesClient client, Path kubeconfig) {
        this(client, kubeconfig, "kubectl");
    }

    /** @param kubectl the kubectl to run (default: the one on PATH) */
    ApplicationKit(KubernetesClient client, Path kubeconfig, String kubectl) {
        this.client = client;
        this.kubeconfig = kubeconfig;
        this.kubectl = kubectl;
    }

    /** Installs deploy/crd-application.yaml (server-side apply, so reruns are no-ops) and waits until it is served. */
    void installCrd() throws IOException {
        try (var in = Files.newInputStream(Path.of("deploy/crd-application.yaml"))) {
            CustomResourceDefinition crd = client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
            client.apiextensions().v1().customResourceDefinitions().resource(crd).fieldManager("capstan-tests").forceConflicts()
                    .serverSideApply();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            CustomResourceDefinition c = client.apiextensions().v1().customResourceDefinitions()
                    .withName("applications.capstan.dev").get();
            return c.getStatus() != null && c.getStatus().getConditions().stream()
                    .anyMatch(x -> x.getType().equals("Established") && x.getStatus().equals("True"));
        });
    }

    GenericKubernetesResource create(String yaml) {
        GenericKubernetesResource r = client.getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
        return apps().inNamespace(r.getMetadata().getNamespace()).resource(r).create();
    }

    Resource<GenericKubernetesResource> app(String namespace, String name) {
        return apps().inNamespace(namespace).withName(name);
    }

    private io.fabric8.kubernetes.client.dsl.MixedOperation<GenericKubernetesResource,
            io.fabric8.kubernetes.api.model.GenericKubernetesResourceList, Resource<GenericKubernetesResource>> apps() {
        return dev.capstan.resource.ApplicationApi.of(client);
    }

    /** Drops the resource's finalizers (test clean-up: nothing waits on a stopped agent). */
    void release(String namespace, String name) {
        try {
            mergePatch(namespace, name, "{\"metadata\": {\"finalizers\": null}}");
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            // already gone
        }
    }

    /** Edits spec.repo.path as {@code kubectl patch --type merge} does: no resourceVersion, so the agent's status writes never conflict. */
    void setPath(String namespace, String name, String path) {
        mergePatch(namespace, name, "{\"spec\": {\"repo\": {\"path\": \"" + path + "\"}}}");
    }

    private void mergePatch(String namespace, String name, String json) {
        app(namespace, name).patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), json);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> status(String namespace, String name) {
        GenericKubernetesResource r = app(namespace, name).get();
        Object s = r == null ? null : r.getAdditionalProperties().get("status");
        return s instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** The condition {@code type} of the resource's status, or an empty map. */
    @SuppressWarnings("unchecked")
    Map<String, Object> condition(String namespace, String name, String type) {
        Object list = status(namespace, name).get("conditions");
        if (list instanceof List<?> l) {
            for (Object c : l) {
                if (c instanceof Map<?, ?> m && type.equals(m.get("type"))) {
                    return (Map<String, Object>) m;
                }
            }
        }
        return Map.of();
    }

    /** Waits for Ready=True; on timeout fails with the resource's status, which says why. */
    void awaitReady(String namespace, String name) {
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> ready(namespace, name));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("Application " + namespace + "/" + name + " not Ready: " + status(namespace, name), e);
        }
    }

    boolean ready(String namespace, String name) {
        return "True".equals(condition(namespace, name, "Ready").get("status"));
    }

    /** Whether kubectl is on this machine (it is on the CI machines; elsewhere the API answers the same question). */
    static boolean hasKubectl() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "kubectl"))) {
                return true;
            }
        }
        return false;
    }

    /** Runs kubectl against the test control plane: exit code and output (stdout then stderr). */
    Result kubectl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(kubectl, "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    record Result(int exit, String output) {
    }
}
