package dev.capstan.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.config.AgentConfig;
import dev.capstan.config.ConfigLoader;
import dev.capstan.testkit.GitRemote;
import dev.capstan.testkit.HttpJson;
import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.RequestLog;
import dev.capstan.testkit.KubeTest;
import dev.capstan.testkit.TestNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two replicas with leader election: one syncs and is ready, the other stands by and takes over when the first stops. */
@KubeTest
class LeaderElectionEndToEndTest {

    @TempDir
    Path tmp;

    private static String servingLabel(KubernetesClient client, String ns, String pod) {
        Map<String, String> labels = client.pods().inNamespace(ns).withName(pod).get().getMetadata().getLabels();
        return labels == null ? null : labels.get(dev.capstan.cluster.ServingLabel.LABEL);
    }

    @Test
    void oneReplicaSyncsAndAStandbyTakesOver(KubernetesClient client, TestNamespace ns, KubeControlPlane cp) throws Exception {
        String agentNs = "capstan-" + ns.name().substring(2);
        try (GitRemote remote = GitRemote.create(tmp.resolve("origin"));
             KubernetesClient c1 = cp.newAgentClient(new RequestLog());
             KubernetesClient c2 = cp.newAgentClient(new RequestLog())) {
            remote.commit("app", Map.of("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {v: \"1\"}\n"));
            String yaml = """
                    server: {port: 0}
                    namespace: %s
                    cacheDir: %s
                    leaderElection: {enabled: true, leaseDuration: 4s, renewDeadline: 3s, retryPeriod: 500ms}
                    applications:
                      - name: shop
                        repo: {url: "%s", ref: main, path: app}
                        destination: {namespace: %s}
                        sync: {interval: 1h}
                    """;
            AgentConfig first = ConfigLoader.parse("a.yaml", yaml.formatted(agentNs, tmp.resolve("cache-a"), remote.fileUrl(), ns.name()));
            AgentConfig second = ConfigLoader.parse("b.yaml", yaml.formatted(agentNs, tmp.resolve("cache-b"), remote.fileUrl(), ns.name()));
            // each replica's own Pod, as the downward API names it in deploy/'s Deployment
            client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName(agentNs)
                    .endMetadata().build()).serverSideApply();
            for (String pod : List.of("replica-a", "replica-b")) {
                client.pods().inNamespace(agentNs).resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata()
                        .withName(pod).endMetadata().withNewSpec().addNewContainer().withName("capstan").withImage("capstan:test")
                        .endContainer().endSpec().build()).create();
            }
            Agent a = new Agent(first, c1, Map.of("POD_NAME", "replica-a", "POD_NAMESPACE", agentNs)).start();
            await().atMost(Duration.ofSeconds(30)).until(a::leading);
            try (Agent b = new Agent(second, c2, Map.of("POD_NAME", "replica-b", "POD_NAMESPACE", agentNs)).start()) {
                HttpJson httpA = new HttpJson(a.port());
                HttpJson httpB = new HttpJson(b.port());
                await().atMost(Duration.ofSeconds(30)).until(() -> httpA.get("/readyz").statusCode() == 200);
                // Ready, or a rolling update of the agent (whose new pod stands by) would never complete; the Service
                // selects the leader by the label it puts on its own pod
                assertEquals(200, httpB.get("/readyz").statusCode(), "the standby is Ready");
                await().atMost(Duration.ofSeconds(10)).until(() -> "true".equals(servingLabel(client, agentNs, "replica-a")));
                assertEquals(null, servingLabel(client, agentNs, "replica-b"), "the standby takes no traffic");
                assertTrue(!b.leading());
                assertEquals(0, b.statuses().get(0).historySize(), "the standby does not sync");

                a.close(); // releases the lease
                await().atMost(Duration.ofSeconds(30)).until(b::leading);
                await().atMost(Duration.ofSeconds(30)).until(() -> b.statuses().get(0).historySize() > 0);
                assertEquals(Phase.Succeeded, b.statuses().get(0).phase());
                await().atMost(Duration.ofSeconds(30)).until(() -> httpB.get("/readyz").statusCode() == 200);
                await().atMost(Duration.ofSeconds(10)).until(() -> "true".equals(servingLabel(client, agentNs, "replica-b")));
            } finally {
                a.close();
                client.namespaces().withName(agentNs).delete();
            }
        }
    }
}
