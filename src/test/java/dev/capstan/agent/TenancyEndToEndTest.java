package dev.capstan.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.config.AgentConfig;
import dev.capstan.config.ConfigLoader;
import dev.capstan.testkit.GitDaemonServer;
import dev.capstan.testkit.GitRemote;
import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.RequestLog;
import dev.capstan.testkit.KubeTest;
import dev.capstan.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenants confined by impersonation: an Application runs as a ServiceAccount of its own
 * namespace (named, or {@code tenancy.defaultServiceAccount}), so the API server's RBAC
 * decides what it may deploy, and a refused sync applies nothing and stops nobody else.
 */
@KubeTest
class TenancyEndToEndTest {

    @TempDir
    Path tmp;

    /** A ServiceAccount {@code deployer} that may do anything with ConfigMaps in {@code ns}, and nothing else. */
    private static void deployer(KubernetesClient client, String ns) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        client.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata().withName("deployer")
                .endMetadata().build()).create();
        client.rbac().roles().inNamespace(ns).resource(new RoleBuilder().withNewMetadata().withName("deployer").endMetadata()
                .withRules(new PolicyRuleBuilder().withApiGroups("").withResources("configmaps").withVerbs("*").build())
                .build()).create();
        client.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder().withNewMetadata().withName("deployer")
                .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", "deployer")
                .addNewSubject().withKind("ServiceAccount").withName("deployer").withNamespace(ns).endSubject().build()).create();
    }

    private static String cm(String name, String namespace) {
        return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + name + (namespace == null ? "" : ", namespace: " + namespace)
                + "}\ndata: {k: v}\n---\n";
    }

    @Test
    void aTenantDeploysOnlyWhereItsServiceAccountMayAndAPeerKeepsSyncing(KubernetesClient client, TestNamespace ns,
                                                                          KubeControlPlane cp) throws Exception {
        String agentNs = "capstan-" + ns.name().substring(2);
        String teamA = ns.name() + "-a";
        String teamB = ns.name() + "-b";
        ApplicationKit kit = new ApplicationKit(client, cp.kubeconfig());
        kit.installCrd();
        deployer(client, teamA);
        deployer(client, teamB);
        try (GitRemote remote = GitRemote.create(tmp.resolve("origin"));
             GitDaemonServer daemon = new GitDaemonServer(remote.bareDir());
             KubernetesClient agentClient = cp.newAgentClient(new RequestLog())) {
            remote.commit("tenants", Map.of(
                    "a/ok/cm.yaml", cm("ok", null),
                    "a/escape/cm.yaml", cm("ok", null) + cm("intruder", teamB),
                    "a/cluster/ns.yaml", cm("ok", null) + "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + ns.name() + "-c}\n",
                    "b/cm.yaml", cm("peer", null)));
            AgentConfig config = ConfigLoader.parse("test.yaml", """
                    server: {port: 0}
                    namespace: %s
                    cacheDir: %s
                    applicationNamespaces: [%s, %s]
                    tenancy: {defaultServiceAccount: deployer}
                    """.formatted(agentNs, tmp.resolve("cache"), teamA, teamB));
            try (Agent agent = new Agent(config, agentClient, Map.of()).start()) {
                String app = """
                        apiVersion: capstan.dev/v1alpha1
                        kind: Application
                        metadata: {name: %s, namespace: %s}
                        spec:
                          repo: {url: "%s", ref: main, path: %s}
                          sync: {interval: 2s}
                        """;
                kit.create(app.formatted("tenant", teamA, daemon.url(), "a/escape") + "  serviceAccountName: deployer\n");
                // the peer names no ServiceAccount: outside the agent's namespace it runs as tenancy.defaultServiceAccount
                kit.create(app.formatted("peer", teamB, daemon.url(), "b"));

                await().atMost(Duration.ofSeconds(90)).until(() -> "True".equals(kit.condition(teamA, "tenant", "Stalled").get("status")));
                String message = String.valueOf(kit.condition(teamA, "tenant", "Stalled").get("message"));
                assertTrue(message.contains("ConfigMap/" + teamB + "/intruder") && message.contains("forbidden")
                        && message.contains("system:serviceaccount:" + teamA + ":deployer"), message);
                assertNull(client.configMaps().inNamespace(teamA).withName("ok").get(), "a refused sync applies nothing");
                assertNull(client.configMaps().inNamespace(teamB).withName("intruder").get());

                kit.awaitReady(teamB, "peer");
                assertNotNull(client.configMaps().inNamespace(teamB).withName("peer").get());

                // cluster-scoped objects are refused the same way
                kit.setPath(teamA, "tenant", "a/cluster");
                await().atMost(Duration.ofSeconds(90)).until(() -> String.valueOf(kit.condition(teamA, "tenant", "Stalled")
                        .get("message")).contains("Namespace/" + ns.name() + "-c"));
                assertNull(client.namespaces().withName(ns.name() + "-c").get());

                // within its namespace the tenant deploys, and the peer kept syncing all along
                kit.setPath(teamA, "tenant", "a/ok");
                kit.awaitReady(teamA, "tenant");
                assertNotNull(client.configMaps().inNamespace(teamA).withName("ok").get());
                assertTrue(kit.ready(teamB, "peer"));
                assertEquals("Synced", kit.status(teamB, "peer").get("sync"));
            } finally {
                for (String[] a : List.of(new String[] {teamA, "tenant"}, new String[] {teamB, "peer"})) {
                    kit.release(a[0], a[1]);
                }
                for (String n : List.of(teamA, teamB, agentNs)) {
                    client.namespaces().withName(n).delete();
                }
            }
        }
    }
}
