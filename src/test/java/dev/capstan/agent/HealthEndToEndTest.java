package dev.capstan.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.KubeTest;
import dev.capstan.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health gates, waves and rollback on the real control plane, with the kubelet simulator
 * playing the pods: rollouts succeed, stall and fail through the real Deployment and
 * StatefulSet controllers.
 */
@KubeTest
class HealthEndToEndTest {

    @TempDir
    Path tmp;

    private AgentHarness h;
    private String ns;

    @BeforeEach
    void setUp(TestNamespace testNamespace, KubeControlPlane cp) {
        ns = testNamespace.name();
        h = new AgentHarness(tmp, cp, "capstan-" + ns.substring(2));
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static String deployment(String image) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: 2
                  progressDeadlineSeconds: 4
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                      - name: web
                        image: %s
                        readinessProbe: {httpGet: {path: /ready, port: 80}}
                """.formatted(image);
    }

    private Deployment web(KubernetesClient client) {
        return client.apps().deployments().inNamespace(ns).withName("web").get();
    }

    @Test
    void healthFollowsTheClusterBetweenSyncs(KubernetesClient client) throws Exception {
        h.remote.commit("web v1", Map.of("app/web.yaml", deployment("web:v1")));
        h.start(ns, "app", "interval: 1h, timeout: 60s");
        assertEquals("Healthy", h.awaitSyncs(1).get("healthStatus"));

        client.apps().deployments().inNamespace(ns).withName("web").edit(d -> {
            d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("web:crashloop");
            return d;
        });
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> "Degraded".equals(h.status().get("healthStatus")));
        assertEquals(1, h.history().size(), "no sync ran: the watch alone updated health");
        assertTrue(h.metrics().contains("capstan_app_health{app=\"shop\",status=\"Degraded\"} 1.0"));
    }

    @Test
    void aDeploymentWhosePodsBecomeReadySyncsHealthy() throws Exception {
        h.remote.commit("web v1", Map.of("app/web.yaml", deployment("web:v1")));
        h.start(ns, "app", "interval: 1h, timeout: 60s");
        Map<String, Object> s = h.awaitSyncs(1);
        assertEquals("Succeeded", s.get("phase"), String.valueOf(s.get("message")));
        assertEquals("Healthy", s.get("healthStatus"));
        assertEquals("Healthy", AgentHarness.health(s).get("Deployment/" + ns + "/web"));
        String metrics = h.metrics();
        assertTrue(metrics.contains("capstan_app_health{app=\"shop\",status=\"Healthy\"} 1.0"), metrics);
        assertTrue(metrics.contains("capstan_app_health{app=\"shop\",status=\"Degraded\"} 0.0"), metrics);
        assertTrue(metrics.contains("health_status=\"Healthy\""), metrics);
        assertTrue(metrics.contains("capstan_rollout_duration_seconds_count{app=\"shop\"} 1"), metrics);
        assertTrue(metrics.contains("capstan_resource_health{app=\"shop\",group=\"apps\",kind=\"Deployment\",name=\"web\",namespace=\""
                + ns + "\",status=\"Healthy\"} 1.0"), metrics);
    }

    @Test
    void aCrashLoopingRolloutFailsInSecondsNotAtItsProgressDeadlineAndIsRolledBack(KubernetesClient client) throws Exception {
        String v1 = h.remote.commit("web v1", Map.of("app/web.yaml", deployment("web:v1").replace("progressDeadlineSeconds: 4",
                "progressDeadlineSeconds: 600")));
        h.start(ns, "app", "interval: 1h, timeout: 5m, rollback: onFailure");
        assertEquals("Succeeded", h.awaitSyncs(1).get("phase"));

        h.remote.commit("web v2 crash-loops", Map.of("app/web.yaml", deployment("web:crashloop")
                .replace("progressDeadlineSeconds: 4", "progressDeadlineSeconds: 600")));
        Instant committed = Instant.now();
        h.syncNow();
        Map<String, Object> s = h.awaitSyncs(2);
        long seconds = java.time.Duration.between(committed, Instant.now()).toSeconds();

        assertEquals("RolledBack", s.get("phase"), String.valueOf(s.get("message")));
        assertTrue(((String) s.get("message")).contains("rollout failed: Deployment/" + ns + "/web: Degraded: Pod/web-"),
                String.valueOf(s.get("message")));
        assertTrue(((String) s.get("message")).contains("CrashLoopBackOff"), String.valueOf(s.get("message")));
        assertEquals("web:v1", web(client).getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
        assertEquals(v1, ((Map<?, ?>) s.get("lastSyncedRevision")).get("sha"));
        assertTrue(seconds < 30, "commit to rolled back in " + seconds + " s");
        System.out.println("crash-looping rollout: commit to rolled back and healthy in " + seconds + " s");
    }

    @Test
    void aRolloutThatNeverBecomesReadyIsDegradedAndRolledBack(KubernetesClient client) throws Exception {
        String v1 = h.remote.commit("web v1", Map.of("app/web.yaml", deployment("web:v1")));
        h.start(ns, "app", "interval: 1h, timeout: 60s, rollback: onFailure, prune: true");
        assertEquals("Succeeded", h.awaitSyncs(1).get("phase"));

        String v2 = h.remote.commit("web v2 never ready", Map.of("app/web.yaml", deployment("web:never-ready"),
                "app/extra.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\n"));
        h.syncNow();
        Map<String, Object> s = h.awaitSyncs(2);
        assertEquals("RolledBack", s.get("phase"), String.valueOf(s.get("message")));
        assertEquals("HealthCheckFailed", s.get("reason"));
        String message = (String) s.get("message");
        assertTrue(message.startsWith("revision " + v2.substring(0, 7) + " failed: rollout failed: Deployment/" + ns
                + "/web: Degraded: "), message);
        assertTrue(message.contains("ProgressDeadlineExceeded"), message);
        assertTrue(message.contains("rolled back to " + v1.substring(0, 7)), message);
        assertEquals("web:v1", web(client).getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
        assertEquals(v1, ((Map<?, ?>) s.get("lastSyncedRevision")).get("sha"));
        assertEquals("OutOfSync", s.get("syncStatus"));
        assertEquals("Healthy", s.get("healthStatus"));
        assertEquals(null, client.configMaps().inNamespace(ns).withName("extra").get(), "v2's new object is pruned by the rollback");
        assertTrue(h.metrics().contains("capstan_rollbacks_total{app=\"shop\",result=\"succeeded\"} 1.0"), h.metrics());
    }

    @Test
    void aRolledBackRevisionIsNotRetriedUntilAManualSync(KubernetesClient client) throws Exception {
        h.remote.commit("web v1", Map.of("app/web.yaml", deployment("web:v1")));
        h.start(ns, "app", "interval: 2s, timeout: 60s, rollback: onFailure");
        assertEquals("Succeeded", h.awaitSyncs(1).get("phase"));
        h.remote.commit("web v2 never ready", Map.of("app/web.yaml", deployment("web:never-ready")));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(90))
                .until(() -> "RolledBack".equals(h.status().get("phase")));
        int syncs = h.history().size();

        h.requests.clear();
        double lsRemotes = lsRemotes();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> lsRemotes() >= lsRemotes + 3);
        assertEquals(syncs, h.history().size(), "scheduled reconciles skip the rolled-back revision");
        assertTrue(h.requests.mutating().stream().noneMatch(r -> r.contains("/deployments/web")), h.requests.mutating().toString());
        assertEquals("web:v1", web(client).getSpec().getTemplate().getSpec().getContainers().get(0).getImage());

        h.syncNow(); // a person asks: try the revision again
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(90))
                .until(() -> h.history().size() > syncs && "RolledBack".equals(h.status().get("phase")));
        assertTrue(h.requests.mutating().stream().anyMatch(r -> r.contains("/deployments/web")), "the manual sync retried it");
    }

    private double lsRemotes() {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("capstan_git_requests_total\\{app=\"shop\",op=\"ls-remote\",result=\"success\"} ([0-9.]+)")
                .matcher(h.metrics());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void withoutRollbackAFailedRolloutStaysDegradedAndNothingElseIsTouched(KubernetesClient client) throws Exception {
        h.remote.commit("web v1", Map.of("app/web.yaml", deployment("web:v1"),
                "app/old.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: old}\n"));
        h.start(ns, "app", "interval: 1h, timeout: 60s, prune: true");
        assertEquals("Succeeded", h.awaitSyncs(1).get("phase"));

        java.util.Map<String, String> v2 = new java.util.HashMap<>();
        v2.put("app/web.yaml", deployment("web:never-ready"));
        v2.put("app/old.yaml", null);
        h.remote.commit("web v2 never ready, old config gone", v2);
        h.syncNow();
        Map<String, Object> s = h.awaitSyncs(2);
        assertEquals("Failed", s.get("phase"));
        assertEquals("HealthCheckFailed", s.get("reason"));
        assertEquals("Degraded", s.get("healthStatus"));
        assertEquals("Degraded", AgentHarness.health(s).get("Deployment/" + ns + "/web"));
        assertEquals("web:never-ready", web(client).getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
        assertNotNull(client.configMaps().inNamespace(ns).withName("old").get(), "no prune after a failed health gate");
        assertTrue(h.metrics().contains("capstan_app_health{app=\"shop\",status=\"Degraded\"} 1.0"), h.metrics());
        assertTrue(h.metrics().contains("kind=\"Deployment\",name=\"web\",namespace=\"" + ns + "\",status=\"Degraded\"} 1.0"), h.metrics());
        assertTrue(!h.metrics().contains("kind=\"Deployment\",name=\"web\",namespace=\"" + ns + "\",status=\"Healthy\"}"),
                "the old status series is gone");

        h.syncNow(); // nothing left to apply, but the revision has never been healthy: still a failure
        Map<String, Object> again = h.awaitSyncs(3);
        assertEquals("HealthCheckFailed", again.get("reason"), String.valueOf(again.get("message")));
        assertNotNull(client.configMaps().inNamespace(ns).withName("old").get());
    }

    @Test
    void theNextWaveStartsOnlyWhenThePreviousIsHealthy(KubernetesClient client) throws Exception {
        h.remote.commit("db then web", Map.of("app/db.yaml", """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata:
                  name: db
                  annotations: {capstan.dev/wave: "0"}
                spec:
                  replicas: 1
                  serviceName: db
                  selector: {matchLabels: {app: db}}
                  template:
                    metadata: {labels: {app: db}}
                    spec:
                      containers: [{name: db, image: "postgres:slow-ready"}]
                """, "app/web.yaml", deployment("web:v1").replace("metadata: {name: web}",
                "metadata:\n  name: web\n  annotations: {capstan.dev/wave: \"1\"}")));
        h.start(ns, "app", "interval: 1h, timeout: 60s");
        Map<String, Object> s = h.awaitSyncs(1);
        assertEquals("Succeeded", s.get("phase"), String.valueOf(s.get("message")));

        StatefulSet db = client.apps().statefulSets().inNamespace(ns).withName("db").get();
        Pod dbPod = client.pods().inNamespace(ns).withName("db-0").get();
        Instant dbReady = Instant.parse(dbPod.getStatus().getConditions().stream()
                .filter(c -> c.getType().equals("Ready")).findFirst().orElseThrow().getLastTransitionTime());
        Instant webCreated = Instant.parse(web(client).getMetadata().getCreationTimestamp());
        Instant dbCreated = Instant.parse(db.getMetadata().getCreationTimestamp());
        assertTrue(!webCreated.isBefore(dbReady), "web created " + webCreated + " before db was ready " + dbReady);
        assertTrue(webCreated.getEpochSecond() - dbCreated.getEpochSecond() >= 2, "db " + dbCreated + ", web " + webCreated);
    }

    @Test
    void aCustomResourceWithReadyFalseIsDegraded(KubernetesClient client) throws Exception {
        String group = "g" + ns.substring(2) + ".example.com";
        try {
            h.remote.commit("crd and cr", Map.of("app/crd.yaml", """
                    apiVersion: apiextensions.k8s.io/v1
                    kind: CustomResourceDefinition
                    metadata: {name: databases.%1$s}
                    spec:
                      group: %1$s
                      scope: Namespaced
                      names: {kind: Database, plural: databases, singular: database, listKind: DatabaseList}
                      versions:
                      - name: v1
                        served: true
                        storage: true
                        schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
                    """.formatted(group), "app/db.yaml", """
                    apiVersion: %s/v1
                    kind: Database
                    metadata: {name: orders}
                    spec: {size: 1}
                    status:
                      conditions: [{type: Ready, status: "False", reason: ConnectionRefused, message: cannot reach primary}]
                    """.formatted(group)));
            h.start(ns, "app", "interval: 1h, timeout: 30s");
            Map<String, Object> s = h.awaitSyncs(1);
            assertEquals("HealthCheckFailed", s.get("reason"), String.valueOf(s.get("message")));
            assertTrue(((String) s.get("message")).contains("Database/" + ns + "/orders: Degraded: Ready is False: ConnectionRefused"),
                    String.valueOf(s.get("message")));
            assertEquals("Healthy", AgentHarness.health(s).get("CustomResourceDefinition/databases." + group));
        } finally {
            client.apiextensions().v1().customResourceDefinitions().withName("databases." + group).delete();
        }
    }

    // --- what a gate waits for: addresses from outside the app are reported, not awaited (GatePolicy) ---

    private static String deployment(String name, String image) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: %s}
                spec:
                  replicas: 1
                  progressDeadlineSeconds: 600
                  selector: {matchLabels: {app: %s}}
                  template:
                    metadata: {labels: {app: %s}}
                    spec:
                      containers:
                      - {name: app, image: "%s"}
                """.formatted(name, name, name, image);
    }

    private static String loadBalancer(String annotations) {
        return """
                apiVersion: v1
                kind: Service
                metadata:
                  name: frontend-external
                  annotations: {%s}
                spec:
                  type: LoadBalancer
                  selector: {app: frontend}
                  ports: [{port: 80, targetPort: 8080}]
                """.formatted(annotations);
    }

    private Map<String, String> shop(String lbAnnotations) {
        return Map.of("app/frontend.yaml", deployment("frontend", "frontend:v1"),
                "app/cart.yaml", deployment("cart", "cart:v1"),
                "app/lb.yaml", loadBalancer(lbAnnotations));
    }

    @Test
    void aLoadBalancerWithoutAnAddressIsShownProgressingButDoesNotHoldTheSync() throws Exception {
        h.remote.commit("shop", shop(""));
        Instant start = Instant.now();
        h.start(ns, "app", "interval: 1h, timeout: 2m");

        Map<String, Object> s = h.awaitSyncs(1);

        assertEquals("Succeeded", s.get("phase"), String.valueOf(s.get("message")));
        assertTrue(Duration.between(start, Instant.now()).toSeconds() < 60, "synced in seconds, not at the timeout");
        assertEquals("Progressing", AgentHarness.health(s).get("Service/" + ns + "/frontend-external"));
        assertEquals("Healthy", AgentHarness.health(s).get("Deployment/" + ns + "/frontend"));
        assertEquals("Progressing", s.get("healthStatus"), "the app says what it still lacks");
        assertTrue(String.valueOf(s.get("objects")).contains("waiting for the load balancer's address"), s.toString());
    }

    @Test
    void healthWaitOnTheServiceMakesTheSyncWaitAndFailAtTheTimeoutNamingIt() throws Exception {
        h.remote.commit("shop", shop("capstan.dev/health: wait"));
        h.start(ns, "app", "interval: 1h, timeout: 15s");

        // while it waits, the status and the metrics say on what, why, and how long is left
        String waiting = "waiting for 1 of 3 objects: Service/" + ns + "/frontend-external: waiting for the load balancer's address (";
        await().atMost(Duration.ofSeconds(14)).until(() -> String.valueOf(h.status().get("message")).startsWith(waiting)
                && "Syncing".equals(h.status().get("phase")));
        assertTrue(String.valueOf(h.status().get("message")).endsWith(" of 15s)"), String.valueOf(h.status().get("message")));
        assertTrue(h.metrics().contains("capstan_health_gate_pending_objects{app=\"shop\"} 1.0"), h.metrics());

        Map<String, Object> s = h.awaitSyncs(1);

        assertEquals("Failed", s.get("phase"));
        assertEquals("HealthCheckFailed", s.get("reason"));
        assertEquals("not healthy within 15s (sync.timeout): Service/" + ns + "/frontend-external: Progressing: waiting for "
                + "the load balancer's address", s.get("message"));
        assertTrue(h.metrics().contains("capstan_health_gate_pending_objects{app=\"shop\"} 0.0"), h.metrics());
    }

    @Test
    void aFailedGateIsNotRetriedEveryIntervalAndTheAppTurnsHealthyWhenItRecovers(KubernetesClient client) throws Exception {
        h.remote.commit("cart never ready", Map.of("app/frontend.yaml", deployment("frontend", "frontend:v1"),
                "app/cart.yaml", deployment("cart", "cart:never-ready").replace("progressDeadlineSeconds: 600",
                        "progressDeadlineSeconds: 3")));
        h.start(ns, "app", "interval: 2s, timeout: 60s");
        Map<String, Object> s = h.awaitSyncs(1);
        assertEquals("HealthCheckFailed", s.get("reason"), String.valueOf(s.get("message")));
        int mutating = h.requests.mutating().size();
        double polls = lsRemotes();

        // several intervals later (each one polls Git): nothing re-applied, the status still names the failure
        await().atMost(Duration.ofSeconds(30)).until(() -> lsRemotes() >= polls + 3);
        assertEquals(mutating, h.requests.mutating().size(), "no re-apply of the failed revision: " + h.requests.mutating());
        assertEquals("HealthCheckFailed", h.status().get("reason"));
        assertEquals(1, h.history().size(), "held, not synced again");

        // the object recovers (here: someone fixes the image by hand): health follows the watch, no sync needed
        client.apps().deployments().inNamespace(ns).withName("cart").edit(d -> {
            d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("cart:v1");
            return d;
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> "Healthy".equals(h.status().get("healthStatus")));
    }
}
