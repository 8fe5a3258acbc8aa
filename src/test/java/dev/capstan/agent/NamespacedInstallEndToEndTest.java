package dev.capstan.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.testkit.AgentIdentity;
import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.KubeTest;
import dev.capstan.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The namespaced install of deploy/namespaced/rbac.yaml, as a user adapts it (agent namespace and one managed namespace
 * substituted), with the agent authenticated as its ServiceAccount's token: no ClusterRole, no cluster-wide list.
 */
@KubeTest
class NamespacedInstallEndToEndTest {

    @TempDir
    Path tmp;

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: web, image: "web:v1"}]
            """;

    /** Installs the namespaced RBAC for {@code agentNs} and {@code managed}, and returns a config with the agent's token. */
    private static Config install(KubernetesClient admin, KubeControlPlane cp, String agentNs, String managed) throws Exception {
        for (String ns : new String[] {agentNs, managed}) {
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                    .fieldManager("capstan-tests").serverSideApply();
        }
        admin.serviceAccounts().inNamespace(agentNs).resource(new ServiceAccountBuilder().withNewMetadata().withName("capstan")
                .endMetadata().build()).create();
        String rbac = Files.readString(Path.of("deploy/namespaced/rbac.yaml"))
                .replace("namespace: capstan", "namespace: " + agentNs).replace("namespace: apps", "namespace: " + managed);
        AgentIdentity.install(admin, rbac);
        return AgentIdentity.tokenConfig(cp, admin, agentNs, "capstan");
    }

    private static boolean mayPatchConfigMaps(KubernetesClient admin, String agentNs) {
        return admin.authorization().v1().subjectAccessReview().create(new SubjectAccessReviewBuilder().withNewSpec()
                .withUser("system:serviceaccount:" + agentNs + ":capstan")
                .withGroups("system:serviceaccounts", "system:serviceaccounts:" + agentNs, "system:authenticated")
                .withNewResourceAttributes().withNamespace(agentNs).withVerb("patch").withResource("configmaps")
                .withName("capstan-inventory-shop").endResourceAttributes().endSpec().build()).getStatus().getAllowed();
    }

    @Test
    void deploysWatchesAndPrunesInItsNamespaceAndRefusesTheRestByName(KubernetesClient client, TestNamespace ns,
                                                                        KubeControlPlane cp) throws Exception {
        String managed = ns.name();
        String agentNs = "capstan-" + managed.substring(2);
        String other = managed + "-other";
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(other).endMetadata().build()).create();
        Config agentConfig = install(client, cp, agentNs, managed);
        Map<String, String> files = new HashMap<>(Map.of(
                "app/web.yaml", DEPLOYMENT,
                "app/settings.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {color: blue}\n",
                "app/creds.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: creds}\nstringData: {password: hunter2}\n"));
        try (AgentHarness h = new AgentHarness(tmp, agentConfig, agentNs)) {
            h.agentOptions = "managedNamespaces: [" + managed + "]\n";
            h.remote.commit("v1", files);
            h.start(managed, "app", "interval: 1h, prune: true, selfHeal: true, timeout: 60s");
            Map<String, Object> first = h.awaitSyncs(1);
            assertEquals("Succeeded", first.get("phase"), String.valueOf(first.get("message")));
            assertEquals("Healthy", first.get("healthStatus"));

            // the per-namespace watch sees a live edit, and self-heal puts it back
            client.configMaps().inNamespace(managed).withName("settings").edit(cm -> {
                cm.getData().put("color", "red");
                return cm;
            });
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    "blue".equals(client.configMaps().inNamespace(managed).withName("settings").get().getData().get("color")));

            // an object for another namespace and a cluster-scoped one: refused by name, nothing applied or pruned
            files.put("app/creds.yaml", null);
            files.put("app/elsewhere.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: elsewhere, namespace: " + other
                    + "}\ndata: {a: b}\n");
            files.put("app/reader.yaml", "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: "
                    + managed + "-reader}\nrules: []\n");
            h.remote.commit("v2: outside", files);
            h.syncNow();
            Map<String, Object> refused = h.awaitSyncs(2);
            String message = String.valueOf(refused.get("message"));
            assertEquals("ValidationFailed", refused.get("reason"), message);
            assertTrue(message.contains("ConfigMap/" + other + "/elsewhere") && message.contains("namespace " + other
                    + " is not managed by this agent [" + managed + "]") && message.contains("app/elsewhere.yaml"), message);
            assertTrue(message.contains("ClusterRole") && message.contains("a cluster-scoped ClusterRole cannot be managed")
                    && message.contains("app/reader.yaml"), message);
            assertNull(client.configMaps().inNamespace(other).withName("elsewhere").get());
            assertNotNull(client.secrets().inNamespace(managed).withName("creds").get(), "a refused revision prunes nothing");

            // back inside: the Secret that left Git is pruned
            files.put("app/elsewhere.yaml", null);
            files.put("app/reader.yaml", null);
            h.remote.commit("v3: inside again", files);
            h.syncNow();
            Map<String, Object> third = h.awaitSyncs(3);
            assertEquals("Succeeded", third.get("phase"), String.valueOf(third.get("message")));
            assertNull(client.secrets().inNamespace(managed).withName("creds").get());
            assertNotNull(client.apps().deployments().inNamespace(managed).withName("web").get());

            // the agent's own Role taken away: the inventory write is refused, and the status names it
            client.rbac().roleBindings().inNamespace(agentNs).withName("capstan-agent").delete();
            await().atMost(Duration.ofSeconds(20)).until(() -> !mayPatchConfigMaps(client, agentNs));
            files.put("app/more.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: more}\ndata: {a: b}\n");
            h.remote.commit("v4", files);
            h.syncNow();
            Map<String, Object> fourth = h.awaitSyncs(4);
            String stopped = String.valueOf(fourth.get("message"));
            assertEquals("SyncError", fourth.get("reason"), stopped);
            assertTrue(stopped.startsWith("sync stopped: ") && stopped.contains("capstan-inventory-shop")
                    && stopped.contains("forbidden"), stopped);
        } finally {
            client.namespaces().withName(other).delete();
            client.namespaces().withName(agentNs).delete();
        }
    }
}
