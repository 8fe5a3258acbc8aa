package dev.capstan.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.config.AgentConfig;
import dev.capstan.config.ConfigLoader;
import dev.capstan.testkit.GitDaemonServer;
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

/** Several apps from one repository (a monorepo), synced concurrently; one broken app never holds up the others. */
@KubeTest
class MultiAppEndToEndTest {

    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void appsOfOneRepositorySyncSideBySideAndABrokenOneStopsOnlyItself(KubernetesClient client, TestNamespace ns,
                                                                       KubeControlPlane cp) throws Exception {
        String a = ns.name() + "-a";
        String b = ns.name() + "-b";
        try (GitRemote remote = GitRemote.create(tmp.resolve("origin"));
             GitDaemonServer daemon = new GitDaemonServer(remote.bareDir());
             KubernetesClient agentClient = cp.newAgentClient(new RequestLog())) {
            remote.commit("monorepo", Map.of(
                    "apps/a/cm.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + a + "}\n---\n"
                            + "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {app: a}\n",
                    "apps/b/cm.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + b + "}\n---\n"
                            + "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {app: b}\n",
                    "apps/broken/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [oops\n"));
            StringBuilder apps = new StringBuilder();
            for (String[] app : new String[][] {{"app-a", "apps/a", a}, {"app-b", "apps/b", b}, {"broken", "apps/broken", ns.name()}}) {
                apps.append("  - name: ").append(app[0]).append("\n    repo: {url: \"").append(daemon.url())
                        .append("\", ref: main, path: ").append(app[1]).append("}\n    destination: {namespace: ").append(app[2])
                        .append("}\n    sync: {interval: 1h}\n");
            }
            AgentConfig config = ConfigLoader.parse("test.yaml", "server: {port: 0}\nnamespace: capstan-" + ns.name().substring(2)
                    + "\ncacheDir: " + tmp.resolve("cache") + "\napplications:\n" + apps);
            try (Agent agent = new Agent(config, agentClient, Map.of()).start()) {
                HttpJson http = new HttpJson(agent.port());
                await().atMost(Duration.ofSeconds(60)).until(() -> http.getJsonList("/api/v1/applications").stream()
                        .allMatch(s -> !((List<Object>) ((Map<String, Object>) s).get("history")).isEmpty()));
                Map<String, Object> appA = http.getJson("/api/v1/applications/app-a");
                Map<String, Object> appB = http.getJson("/api/v1/applications/app-b");
                Map<String, Object> broken = http.getJson("/api/v1/applications/broken");
                assertEquals("Succeeded", appA.get("phase"), String.valueOf(appA.get("message")));
                assertEquals("Succeeded", appB.get("phase"), String.valueOf(appB.get("message")));
                assertEquals("RenderFailed", broken.get("reason"));
                assertTrue(((String) broken.get("message")).startsWith("apps/broken/cm.yaml:"), String.valueOf(broken.get("message")));
                assertEquals("a", client.configMaps().inNamespace(a).withName("settings").get().getData().get("app"));
                assertNotNull(client.configMaps().inNamespace(b).withName("settings").get());
            } finally {
                client.namespaces().withName(a).delete();
                client.namespaces().withName(b).delete();
                client.namespaces().withName("capstan-" + ns.name().substring(2)).delete();
            }
        }
    }
}
