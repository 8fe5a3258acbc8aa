package dev.capstan.apply;

import dev.capstan.testkit.KubeControlPlane;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import static org.awaitility.Awaitility.await;

/**
 * Provokes the API server's common refusals for real, so the formatting of errors is tested
 * on the texts a cluster actually sends (they change between releases).
 */
final class ApiErrorTexts {

    private final KubernetesClient client;
    private final KubeControlPlane cp;
    private final String ns;

    ApiErrorTexts(KubernetesClient client, KubeControlPlane cp, String ns) {
        this.client = client;
        this.cp = cp;
        this.ns = ns;
    }

    static KubernetesClientException expectFailure(Supplier<?> call) {
        try {
            call.get();
        } catch (KubernetesClientException e) {
            return e;
        }
        throw new AssertionError("the API server accepted what it should have refused");
    }

    private <T extends HasMetadata> T apply(KubernetesClient c, T object, String manager, boolean force) {
        var r = c.resource(object).inNamespace(ns).fieldManager(manager);
        return force ? r.forceConflicts().serverSideApply() : r.serverSideApply();
    }

    static Job job(String image) {
        return new JobBuilder().withNewMetadata().withName("migrate").endMetadata()
                .withNewSpec().withNewTemplate().withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("migrate").withImage(image).endContainer()
                .endSpec().endTemplate().endSpec().build();
    }

    KubernetesClientException immutableField() {
        apply(client, job("busybox:1.36"), "capstan", true);
        return expectFailure(() -> apply(client, job("busybox:1.37"), "capstan", true));
    }

    KubernetesClientException invalidValue() {
        return expectFailure(() -> apply(client, new DeploymentBuilder().withNewMetadata().withName("web").endMetadata()
                .withNewSpec().withReplicas(-1).withNewSelector().withMatchLabels(Map.of("app", "web")).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(Map.of("app", "web")).endMetadata().withNewSpec()
                .addNewContainer().withName("web").withImage("nginx").endContainer().endSpec().endTemplate().endSpec().build(),
                "capstan", true));
    }

    KubernetesClientException forbidden() {
        try (KubernetesClient alice = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(cp.config()).withImpersonateUsername("alice").build()).build()) {
            return expectFailure(() -> apply(alice, configMap("by-alice", "x", "1"), "capstan", true));
        }
    }

    KubernetesClientException conflict() {
        apply(client, configMap("shared", "color", "blue"), "someone-else", true);
        return expectFailure(() -> apply(client, configMap("shared", "color", "green"), "capstan", false));
    }

    KubernetesClientException quotaExceeded() {
        client.resourceQuotas().inNamespace(ns).resource(new ResourceQuotaBuilder().withNewMetadata().withName("few").endMetadata()
                .withNewSpec().withHard(Map.of("count/secrets", new Quantity("0"))).endSpec().build()).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var q = client.resourceQuotas().inNamespace(ns).withName("few").get();
            return q.getStatus() != null && q.getStatus().getHard() != null && !q.getStatus().getHard().isEmpty();
        });
        return expectFailure(() -> apply(client, new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
                .withName("db-password").endMetadata().withStringData(Map.of("password", "hunter2-s3cr3t")).build(), "capstan", true));
    }

    KubernetesClientException webhookDenial(java.nio.file.Path tmp) throws Exception {
        try (dev.capstan.testkit.DenyingWebhook hook = new dev.capstan.testkit.DenyingWebhook(client, tmp, "deny-" + ns + ".capstan.test",
                "image tags latest are not allowed by policy")) {
            ConfigMap cm = configMap("denied", "a", "b");
            cm.getMetadata().setLabels(dev.capstan.testkit.DenyingWebhook.denyLabel());
            return expectFailure(() -> apply(client, cm, "capstan", true));
        }
    }

    static Map<String, Object> dockerSecretBody() {
        return Map.of("apiVersion", "v1", "kind", "Secret", "metadata", Map.of("name", "registry"),
                "type", "kubernetes.io/dockerconfigjson", "stringData", Map.of(".dockerconfigjson", "hunter2-not-json"));
    }

    KubernetesClientException invalidSecret() {
        var secret = client.getKubernetesSerialization().convertValue(dockerSecretBody(), io.fabric8.kubernetes.api.model.Secret.class);
        return expectFailure(() -> apply(client, secret, "capstan", true));
    }

    static ConfigMap configMap(String name, String key, String value) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().withData(Map.of(key, value)).build();
    }
}
