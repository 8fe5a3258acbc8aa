package dev.capstan.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.config.AgentConfig;
import dev.capstan.config.ConfigLoader;
import dev.capstan.testkit.GitDaemonServer;
import dev.capstan.testkit.GitRemote;
import dev.capstan.testkit.HttpJson;
import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.KubeTest;
import dev.capstan.testkit.RequestLog;
import dev.capstan.testkit.TestNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applications as Kubernetes resources, end to end: created, waited on, edited and deleted
 * the way users do it (kubectl where the machine has it), against a config with no
 * applications at all.
 */
@KubeTest
class ApplicationEndToEndTest {

    @TempDir
    Path tmp;

    private static String application(String ns, String name, String url, String path, String destination, String extra) {
        return """
                apiVersion: capstan.dev/v1alpha1
                kind: Application
                metadata: {name: %s, namespace: %s%s}
                spec:
                  repo: {url: "%s", ref: main, path: %s}
                  destination: {namespace: %s}
                  sync: {interval: 1h, prune: true}
                """.formatted(name, ns, extra, url, path, destination);
    }

    private static Agent agent(Path tmp, String agentNs, KubernetesClient client) throws Exception {
        AgentConfig config = ConfigLoader.parse("test.yaml", "server: {port: 0, tokenEnv: TOKEN, webhookSecretEnv: HOOK}\n"
                + "namespace: " + agentNs + "\ncacheDir: " + tmp.resolve("cache") + "\n");
        return new Agent(config, client, Map.of("TOKEN", AgentHarness.TOKEN, "HOOK", AgentHarness.HOOK_SECRET)).start();
    }

    @Test
    void applyWaitEditDeleteAndRestartLikeAUser(KubernetesClient client, TestNamespace ns, KubeControlPlane cp) throws Exception {
        String agentNs = "capstan-" + ns.name().substring(2);
        ApplicationKit kit = new ApplicationKit(client, cp.kubeconfig());
        kit.installCrd();
        RequestLog requests = new RequestLog();
        try (GitRemote remote = GitRemote.create(tmp.resolve("origin"));
             GitDaemonServer daemon = new GitDaemonServer(remote.bareDir());
             KubernetesClient agentClient = cp.newAgentClient(requests)) {
            remote.commit("two apps", Map.of(
                    "apps/one/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\ndata: {k: v}\n",
                    "apps/two/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: two}\ndata: {k: v}\n",
                    // app of apps: the parent's path holds a child Application
                    "apps/three/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: three}\ndata: {k: v}\n",
                    "apps/parent/child.yaml", application(agentNs, "child", daemon.url(), "apps/three", ns.name(), "")));
            try (Agent agent = agent(tmp, agentNs, agentClient)) {
                HttpJson http = new HttpJson(agent.port());
                kit.create(application(agentNs, "web", daemon.url(), "apps/one", ns.name(), ""));
                if (ApplicationKit.hasKubectl()) {
                    ApplicationKit.Result wait = kit.kubectl("wait", "-n", agentNs, "--for=condition=Ready", "application/web",
                            "--timeout=90s");
                    assertEquals(0, wait.exit(), wait.output());
                    ApplicationKit.Result get = kit.kubectl("get", "applications", "-n", agentNs);
                    assertTrue(get.output().matches("(?s)NAME\\s+REVISION\\s+SYNC\\s+HEALTH\\s+READY\\s+AGE\\s*\\n"
                            + "web\\s+[0-9a-f]{7,}\\s+Synced\\s+Healthy\\s+True\\s+\\S+\\s*\\n.*"), get.output());
                    // the API server publishes a new CRD's OpenAPI a little after it is Established (seconds on 1.20)
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                            .until(() -> kit.kubectl("explain", "application.spec.serviceAccountName").exit() == 0);
                    ApplicationKit.Result explain = kit.kubectl("explain", "application.spec.serviceAccountName");
                    assertTrue(explain.output().contains("impersonat") || explain.output().contains("ServiceAccount"),
                            explain.output());
                } else {
                    kit.awaitReady(agentNs, "web");
                }
                assertNotNull(client.configMaps().inNamespace(ns.name()).withName("one").get());
                assertEquals(1L, ((Number) kit.status(agentNs, "web").get("observedGeneration")).longValue());
                assertEquals("Synced", kit.status(agentNs, "web").get("sync"));
                assertEquals("Application " + agentNs + "/web", http.getJson("/api/v1/applications/web").get("source"));
                // the sync endpoint and the push webhooks find Application apps like config-file ones
                assertEquals(202, http.post("/api/v1/applications/web/sync", AgentHarness.TOKEN).statusCode());
                var hook = http.post("/api/v1/webhooks/generic", Map.of("Authorization", "Bearer " + AgentHarness.HOOK_SECRET),
                        ("{\"repository\": \"" + daemon.url() + "\", \"ref\": \"refs/heads/main\"}").getBytes());
                assertEquals(202, hook.statusCode(), hook.body());
                assertTrue(hook.body().contains("\"web\""), hook.body());

                // edit spec.repo.path: a resync at the new generation; prune removes what left
                kit.setPath(agentNs, "web", "apps/two");
                await().atMost(Duration.ofSeconds(90)).until(() -> client.configMaps().inNamespace(ns.name()).withName("two").get() != null
                        && client.configMaps().inNamespace(ns.name()).withName("one").get() == null
                        && kit.ready(agentNs, "web")
                        && ((Number) kit.status(agentNs, "web").getOrDefault("observedGeneration", 0)).longValue() == 2);
                assertTrue(client.v1().events().inNamespace(agentNs).list().getItems().stream().anyMatch(e ->
                        "Application".equals(e.getInvolvedObject().getKind()) && "web".equals(e.getInvolvedObject().getName())
                                && "Synced".equals(e.getReason())), "a Synced Event on the Application");

                // the CRD schema refuses a bad spec before Capstan sees it
                KubernetesClientException bad = assertThrows(KubernetesClientException.class, () -> kit.create(
                        application(agentNs, "bad", daemon.url(), "apps/one", ns.name(), "").replace("prune: true",
                                "prune: true, rollback: sometimes")));
                assertEquals(422, bad.getCode());
                // what the schema cannot see, Capstan says on the status: Stalled, with the key and the fix
                kit.create(application(agentNs, "escape", daemon.url(), "apps/../..", ns.name(), ""));
                await().atMost(Duration.ofSeconds(30)).until(() -> "True".equals(kit.condition(agentNs, "escape", "Stalled").get("status")));
                Map<String, Object> stalled = kit.condition(agentNs, "escape", "Stalled");
                assertEquals("InvalidSpec", stalled.get("reason"));
                assertTrue(String.valueOf(stalled.get("message")).contains("spec.repo.path: must be a path inside the repository"),
                        String.valueOf(stalled.get("message")));

                // app of apps: the parent applies the child Application, which then syncs on its own
                kit.create(application(agentNs, "parent", daemon.url(), "apps/parent", agentNs, ""));
                await().atMost(Duration.ofSeconds(90)).until(() -> kit.ready(agentNs, "parent") && kit.ready(agentNs, "child"));
                assertEquals("Synced", http.getJson("/api/v1/applications/child").get("syncStatus"));
                assertNotNull(client.configMaps().inNamespace(ns.name()).withName("three").get());

                // a restart resumes from status and inventory: no apply, no dry-run
                agent.close();
                requests.clear();
                try (Agent again = agent(tmp, agentNs, agentClient)) {
                    HttpJson http2 = new HttpJson(again.port());
                    await().atMost(Duration.ofSeconds(90)).until(() -> List.of("web", "parent", "child").stream().allMatch(a -> {
                        Map<String, Object> s = http2.getJson("/api/v1/applications/" + a);
                        return s != null && !((List<?>) s.get("history")).isEmpty();
                    }));
                    List<String> applies = requests.mutating().stream().filter(r -> r.contains("/configmaps/") || r.contains("/applications/"))
                            .filter(r -> !r.contains("/status") && !r.contains("capstan-inventory")).toList();
                    assertEquals(List.of(), applies, "a restart applies nothing");

                    // deleted without the finalizer: the app stops, its objects stay
                    kit.app(agentNs, "web").delete();
                    await().atMost(Duration.ofSeconds(30)).until(() -> http2.get("/api/v1/applications/web").statusCode() == 404);
                    assertNotNull(client.configMaps().inNamespace(ns.name()).withName("two").get(), "objects stay without the finalizer");

                    // with the finalizer capstan.dev/prune: its objects are pruned first, then it goes
                    kit.create(application(agentNs, "pruned", daemon.url(), "apps/one", ns.name(),
                            ", finalizers: [capstan.dev/prune]"));
                    kit.awaitReady(agentNs, "pruned");
                    assertNotNull(client.configMaps().inNamespace(ns.name()).withName("one").get());
                    kit.app(agentNs, "pruned").delete();
                    await().atMost(Duration.ofSeconds(60)).until(() -> kit.app(agentNs, "pruned").get() == null);
                    await().atMost(Duration.ofSeconds(30)).until(() -> client.configMaps().inNamespace(ns.name()).withName("one").get() == null);
                    assertNull(client.configMaps().inNamespace(agentNs).withName("capstan-inventory-pruned").get());
                    assertNotEquals(null, client.configMaps().inNamespace(ns.name()).withName("two").get());
                }
            } finally {
                for (String name : List.of("web", "escape", "parent", "child", "pruned")) {
                    kit.release(agentNs, name);
                }
                client.namespaces().withName(agentNs).delete();
            }
        }
    }
}
