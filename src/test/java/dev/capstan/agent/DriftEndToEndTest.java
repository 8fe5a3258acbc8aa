package dev.capstan.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.KubeTest;
import dev.capstan.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Drift seen through the watch the moment it happens; reported, or reverted with self-heal; secrets never shown. */
@KubeTest
class DriftEndToEndTest {

    private static final String SECRET = "correct-horse-battery-staple";

    @TempDir
    Path tmp;

    private AgentHarness h;
    private String ns;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void setUp(TestNamespace testNamespace, KubeControlPlane cp) {
        ns = testNamespace.name();
        h = new AgentHarness(tmp, cp, "capstan-" + ns.substring(2));
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        h.remote.commit("app", Map.of(
                "app/config.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {color: blue}\n",
                "app/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: creds}\nstringData: {password: " + SECRET + "}\n",
                "app/service.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n",
                "app/web.yaml", """
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
                        """,
                "app/scaled.yaml", """
                        # replicas left to an autoscaler
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata: {name: scaled}
                        spec:
                          selector: {matchLabels: {app: scaled}}
                          template:
                            metadata: {labels: {app: scaled}}
                            spec:
                              containers: [{name: scaled, image: "web:v1"}]
                        """));
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        h.close();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Object>> drift() {
        return ((List<Object>) h.status().get("drift")).stream().map(o -> (Map<String, Object>) o)
                .collect(Collectors.toMap(m -> (String) m.get("object"), m -> m));
    }

    @Test
    void withoutSelfHealEditsAreReportedWithTheRightDiff(KubernetesClient client) throws Exception {
        h.start(ns, "app", "interval: 1h, timeout: 60s");
        assertEquals("Synced", h.awaitSyncs(1).get("syncStatus"));

        client.apps().deployments().inNamespace(ns).withName("scaled").scale(4); // an HPA would do this: not drift
        client.apps().deployments().inNamespace(ns).withName("web").scale(5);
        client.configMaps().inNamespace(ns).withName("settings").edit(cm -> {
            cm.getData().put("color", "red");
            return cm;
        });
        client.services().inNamespace(ns).withName("web").delete();

        await().atMost(Duration.ofSeconds(20)).until(() -> drift().size() == 3);
        Map<String, Map<String, Object>> drift = drift();
        assertEquals(List.of("/spec/replicas"), drift.get("Deployment/" + ns + "/web").get("paths"));
        assertTrue(((String) drift.get("Deployment/" + ns + "/web").get("diff")).contains("-  replicas: 5\n+  replicas: 2\n"));
        assertEquals(List.of("/data/color"), drift.get("ConfigMap/" + ns + "/settings").get("paths"));
        assertEquals("Missing", drift.get("Service/" + ns + "/web").get("state"));
        assertTrue(!drift.containsKey("Deployment/" + ns + "/scaled"), "replicas owned by someone else are not drift");
        assertEquals("OutOfSync", h.status().get("syncStatus"));
        String metrics = h.metrics();
        assertTrue(metrics.contains("capstan_resources{app=\"shop\",state=\"out_of_sync\"} 2.0"), metrics);
        assertTrue(metrics.contains("capstan_resources{app=\"shop\",state=\"missing\"} 1.0"), metrics);
        assertTrue(metrics.contains("capstan_drift_detected_total{app=\"shop\",kind=\"Deployment\"} 1.0"), metrics);
        assertTrue(metrics.contains("capstan_last_drift_timestamp_seconds{app=\"shop\"}"), metrics);
        assertEquals(5, client.apps().deployments().inNamespace(ns).withName("web").get().getSpec().getReplicas(), "not reverted");
        List<Event> events = client.v1().events().inNamespace(ns).list().getItems();
        assertTrue(events.stream().anyMatch(e -> "DriftDetected".equals(e.getReason()) && "web".equals(e.getInvolvedObject().getName())
                && e.getMessage().contains("/spec/replicas")), events.toString());
    }

    @Test
    void withSelfHealEditsAreRevertedAndADeletedObjectRecreated(KubernetesClient client) throws Exception {
        h.start(ns, "app", "interval: 1h, timeout: 60s, selfHeal: true");
        assertEquals("Synced", h.awaitSyncs(1).get("syncStatus"));

        client.apps().deployments().inNamespace(ns).withName("web").scale(5);
        client.configMaps().inNamespace(ns).withName("settings").edit(cm -> {
            cm.getData().put("color", "red");
            return cm;
        });
        client.services().inNamespace(ns).withName("web").delete();

        await().atMost(Duration.ofSeconds(20)).until(() ->
                client.apps().deployments().inNamespace(ns).withName("web").get().getSpec().getReplicas() == 2
                        && "blue".equals(client.configMaps().inNamespace(ns).withName("settings").get().getData().get("color"))
                        && client.services().inNamespace(ns).withName("web").get() != null);
        await().atMost(Duration.ofSeconds(10)).until(() -> drift().isEmpty() && "Synced".equals(h.status().get("syncStatus")));
        String metrics = h.metrics();
        assertTrue(metrics.contains("capstan_drift_corrected_total{app=\"shop\",kind=\"Deployment\"} 1.0"), metrics);
        assertTrue(metrics.contains("capstan_drift_corrected_total{app=\"shop\",kind=\"Service\"} 1.0"), metrics);
        assertEquals(1, h.history().size(), "healed without a full sync");
    }

    @Test
    void aSecretDriftNeverShowsItsValue(KubernetesClient client) throws Exception {
        h.start(ns, "app", "interval: 1h, timeout: 60s");
        assertEquals("Synced", h.awaitSyncs(1).get("syncStatus"));
        String edited = "tr0ub4dor-and-3";
        client.secrets().inNamespace(ns).withName("creds").edit(s -> {
            s.getData().put("password", Base64.getEncoder().encodeToString(edited.getBytes(StandardCharsets.UTF_8)));
            return s;
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> drift().containsKey("Secret/" + ns + "/creds"));
        assertEquals(List.of("/data/password"), drift().get("Secret/" + ns + "/creds").get("paths"));

        String everything = h.http.get("/api/v1/applications").body() + h.metrics()
                + logs.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining("\n"))
                + client.v1().events().inNamespace(ns).list().getItems().stream().map(Event::getMessage).collect(Collectors.joining("\n"));
        for (String value : new String[] {SECRET, edited, b64(SECRET), b64(edited)}) {
            assertFalse(everything.contains(value), "secret value leaked: " + value);
        }
        assertTrue(everything.contains("-  password: +++"), "the diff still shows that the value changed");
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
