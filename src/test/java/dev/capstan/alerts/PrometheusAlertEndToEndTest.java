package dev.capstan.alerts;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capstan.config.AgentConfig;
import dev.capstan.config.ConfigLoader;
import dev.capstan.agent.Agent;
import dev.capstan.testkit.GitRemote;
import dev.capstan.testkit.HttpJson;
import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.RequestLog;
import dev.capstan.testkit.KubeTest;
import dev.capstan.testkit.TestNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's package) scrapes a running agent every second and evaluates
 * the shipped rules (their {@code for:} shortened): a live edit with self-heal off makes
 * CapstanDriftDetected go pending then firing in Prometheus's own /api/v1/alerts, and the
 * alert resolves once the object is restored.
 */
@KubeTest
class PrometheusAlertEndToEndTest {

    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void aLiveEditFiresTheDriftAlertWhichResolvesWhenRestored(KubernetesClient client, TestNamespace ns, KubeControlPlane cp)
            throws Exception {
        String prometheus = "/usr/bin/prometheus";
        if (!Files.isExecutable(Path.of(prometheus))) {
            throw new IllegalStateException("prometheus not found: install it with `apt-get install prometheus` (Debian/Ubuntu)");
        }
        try (GitRemote remote = GitRemote.create(tmp.resolve("origin"));
             KubernetesClient agentClient = cp.newAgentClient(new RequestLog())) {
            remote.commit("config", Map.of("app/settings.yaml",
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {color: blue}\n"));
            AgentConfig config = ConfigLoader.parse("test.yaml", """
                    server: {port: 0}
                    namespace: capstan-%s
                    cacheDir: %s
                    applications:
                      - name: shop
                        repo: {url: "%s", ref: main, path: app}
                        destination: {namespace: %s}
                        sync: {interval: 1h}
                    """.formatted(ns.name().substring(2), tmp.resolve("cache"), remote.fileUrl(), ns.name()));
            try (Agent agent = new Agent(config, agentClient, Map.of()).start()) {
                HttpJson api = new HttpJson(agent.port());
                await().atMost(Duration.ofSeconds(60)).until(() -> "Synced".equals(api.getJson("/api/v1/applications/shop").get("syncStatus")));

                Path rules = AlertRules.writeRuleFile(tmp.resolve("prom"), s -> s.replaceAll("for: \\d+m", "for: 3s"));
                int port = freePort();
                Files.writeString(tmp.resolve("prom/prometheus.yml"), """
                        global: {scrape_interval: 1s, evaluation_interval: 1s}
                        rule_files: [%s]
                        scrape_configs:
                        - job_name: capstan
                          static_configs: [{targets: ["127.0.0.1:%d"]}]
                        """.formatted(rules, agent.port()));
                Process prom = new ProcessBuilder(prometheus, "--config.file=" + tmp.resolve("prom/prometheus.yml"),
                        "--storage.tsdb.path=" + tmp.resolve("prom/data"), "--web.listen-address=127.0.0.1:" + port)
                        .redirectErrorStream(true).redirectOutput(tmp.resolve("prom/prometheus.log").toFile()).start();
                try {
                    HttpJson promApi = new HttpJson(port);
                    await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                            .until(() -> promApi.get("/-/ready").statusCode() == 200);

                    client.configMaps().inNamespace(ns.name()).withName("settings").edit(cm -> {
                        cm.getData().put("color", "red");
                        return cm;
                    });
                    await().atMost(Duration.ofSeconds(60)).until(() -> "pending".equals(driftAlertState(promApi)));
                    await().atMost(Duration.ofSeconds(60)).until(() -> "firing".equals(driftAlertState(promApi)));

                    client.configMaps().inNamespace(ns.name()).withName("settings").edit(cm -> {
                        cm.getData().put("color", "blue");
                        return cm;
                    });
                    await().atMost(Duration.ofSeconds(60)).until(() -> driftAlertState(promApi) == null);
                    assertEquals("Synced", api.getJson("/api/v1/applications/shop").get("syncStatus"));
                } finally {
                    prom.destroy();
                    prom.waitFor();
                }
            }
        }
    }

    /** State of CapstanDriftDetected for app shop in Prometheus's /api/v1/alerts, or null when not active. */
    @SuppressWarnings("unchecked")
    private static String driftAlertState(HttpJson prometheus) {
        Map<String, Object> data = (Map<String, Object>) prometheus.getJson("/api/v1/alerts").get("data");
        for (Object a : (List<Object>) data.get("alerts")) {
            Map<String, Object> alert = (Map<String, Object>) a;
            Map<String, Object> labels = (Map<String, Object>) alert.get("labels");
            if ("CapstanDriftDetected".equals(labels.get("alertname")) && "shop".equals(labels.get("app"))) {
                return (String) alert.get("state");
            }
        }
        return null;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
