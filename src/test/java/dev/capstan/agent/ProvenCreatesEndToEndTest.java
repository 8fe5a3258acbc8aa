package dev.capstan.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.KubeTest;
import dev.capstan.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A first sync of many ConfigMaps costs one request each, as {@code kubectl apply} does:
 * their dry-runs are skipped when nothing could refuse them. Whatever could (a quota that
 * counts them, a webhook with a rule for them, another object's invalid spec) brings the
 * dry-runs back, and an invalid change set still applies nothing.
 */
@KubeTest
class ProvenCreatesEndToEndTest {

    private static final int COUNT = 30;

    @TempDir
    Path tmp;

    private AgentHarness h;
    private String ns;

    @BeforeEach
    void setUp(TestNamespace testNs, KubeControlPlane cp, KubernetesClient client) throws Exception {
        ns = "proven-" + testNs.name().substring(2);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        h = new AgentHarness(tmp, cp, "capstan-" + testNs.name().substring(2));
    }

    @AfterEach
    void tearDown(KubernetesClient client) {
        h.close();
        client.namespaces().withName(ns).delete();
    }

    private static Map<String, String> configMaps(String prefix) {
        Map<String, String> files = new HashMap<>();
        for (int i = 0; i < COUNT; i++) {
            files.put("app/" + prefix + i + ".yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + prefix + i
                    + "}\ndata: {n: \"" + i + "\", app.properties: \"color=blue\"}\n");
        }
        return files;
    }

    private long dryRuns(String prefix) {
        return h.requests.mutating().stream().filter(r -> r.contains("/configmaps/" + prefix) && r.contains("dryRun=All")).count();
    }

    private Map<String, Object> sync(int n, Map<String, String> files) {
        h.remote.commit("step " + n, files);
        h.requests.clear();
        h.syncNow();
        return h.awaitSyncs(n);
    }

    @Test
    void provenCreatesSendNoDryRunUntilSomethingCouldRefuseThem(KubernetesClient client) throws Exception {
        h.remote.commit("first", configMaps("a-"));
        h.start(ns, "app", "interval: 1h, prune: false");
        Map<String, Object> s1 = h.awaitSyncs(1);
        assertEquals("Succeeded", s1.get("phase"), String.valueOf(s1.get("message")));
        assertEquals(0, dryRuns("a-"), h.requests.mutating().toString());
        assertEquals(COUNT, client.configMaps().inNamespace(ns).list().getItems().stream()
                .filter(c -> c.getMetadata().getName().startsWith("a-")).count());
        assertTrue(h.requests.all().stream().anyMatch(r -> r.contains("selfsubjectaccessreviews")), "RBAC was asked");

        // a quota that counts ConfigMaps could refuse a create: each one is dry-run again
        client.resourceQuotas().inNamespace(ns).resource(new ResourceQuotaBuilder().withNewMetadata().withName("cms").endMetadata()
                .withNewSpec().addToHard("count/configmaps", new Quantity("1000")).endSpec().build()).create();
        assertEquals("Succeeded", sync(2, configMaps("b-")).get("phase"));
        assertEquals(COUNT, dryRuns("b-"));
        client.resourceQuotas().inNamespace(ns).withName("cms").delete();

        // so could a webhook with a rule for configmaps (its selector matches no namespace, so it never runs)
        String webhook = "capstan-test-" + ns;
        client.admissionRegistration().v1().validatingWebhookConfigurations().resource(webhook(webhook)).create();
        try {
            assertEquals("Succeeded", sync(3, configMaps("c-")).get("phase"));
            assertEquals(COUNT, dryRuns("c-"));
        } finally {
            client.admissionRegistration().v1().validatingWebhookConfigurations().withName(webhook).delete();
        }

        // an invalid object among proven ones: its dry-run fails, and nothing at all is applied
        Map<String, String> files = new HashMap<>(configMaps("d-"));
        files.put("app/bad.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bad}\nspec:\n  replicas: -1\n"
                + "  selector: {matchLabels: {app: bad}}\n  template:\n    metadata: {labels: {app: bad}}\n"
                + "    spec: {containers: [{name: c, image: nginx}]}\n");
        Map<String, Object> s4 = sync(4, files);
        assertEquals("Failed", s4.get("phase"), String.valueOf(s4.get("message")));
        assertTrue(String.valueOf(s4.get("message")).contains("spec.replicas"), String.valueOf(s4.get("message")));
        assertNull(client.configMaps().inNamespace(ns).withName("d-0").get());
        assertTrue(h.requests.mutating().stream().noneMatch(r -> r.contains("/configmaps/d-") && !r.contains("dryRun=All")),
                h.requests.mutating().toString());
    }

    private static ValidatingWebhookConfiguration webhook(String name) {
        return new ValidatingWebhookConfigurationBuilder().withNewMetadata().withName(name).endMetadata()
                .addNewWebhook().withName("never.capstan.dev").withAdmissionReviewVersions("v1").withSideEffects("None")
                .withFailurePolicy("Ignore").withNewClientConfig().withUrl("https://127.0.0.1:1/never").endClientConfig()
                .withNewNamespaceSelector().addToMatchLabels("capstan.dev/never", "true").endNamespaceSelector()
                .addNewRule().withApiGroups("").withApiVersions("v1").withOperations("CREATE").withResources("configmaps")
                .endRule().endWebhook().build();
    }
}
