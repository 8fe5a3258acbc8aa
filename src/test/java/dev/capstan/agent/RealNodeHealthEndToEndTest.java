package dev.capstan.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.NodeTest;
import dev.capstan.testkit.Pods;
import dev.capstan.testkit.RealNode;
import dev.capstan.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health gates and rollback with pods that really run on the {@link RealNode}: the kubelet runs the
 * test workload in containerd and executes its probes; nothing here sets a pod's status. The
 * workload's behaviour (ready after N s, never ready, liveness failing after N s, crash, exit code)
 * comes from its environment (scripts/node-test-env).
 */
@NodeTest
class RealNodeHealthEndToEndTest {

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

    /** Two replicas of the workload; {@code env} as YAML flow entries, {@code probes} as container keys. */
    static String deployment(String env, String probes) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      terminationGracePeriodSeconds: 1
                      containers:
                      - name: web
                        image: %s
                        imagePullPolicy: Never
                        env: [%s]
                %s
                """.formatted(RealNode.WORKLOAD_IMAGE, env, probes.indent(8).stripTrailing());
    }

    static final String READINESS = "readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 2}";
    static final String LIVENESS = "livenessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 2, failureThreshold: 2}";

    private static String env(String... pairs) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            s.append(i == 0 ? "" : ", ").append("{name: ").append(pairs[i]).append(", value: \"").append(pairs[i + 1]).append("\"}");
        }
        return s.toString();
    }

    private String envOf(KubernetesClient client, String name) {
        return client.apps().deployments().inNamespace(ns).withName("web").get().getSpec().getTemplate().getSpec()
                .getContainers().get(0).getEnv().stream().filter(e -> e.getName().equals(name)).map(e -> e.getValue())
                .findFirst().orElse(null);
    }

    /**
     * Asks for a sync of the committed v2 (env REV=2) and times it from now: to the gate's failure, which shows in the
     * cluster first (the rollback puts v1's template back at once), and to phase RolledBack.
     */
    private Duration[] syncAndAwaitRollback(KubernetesClient client) {
        Instant asked = Instant.now();
        h.syncNow();
        await().atMost(Duration.ofSeconds(30)).until(() -> "2".equals(envOf(client, "REV")));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> "1".equals(envOf(client, "REV")));
        Duration toFailed = Duration.between(asked, Instant.now());
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> "RolledBack".equals(h.status().get("phase")));
        return new Duration[] {toFailed, Duration.between(asked, Instant.now())};
    }

    private List<Pod> readyPods(KubernetesClient client) {
        return client.pods().inNamespace(ns).withLabel("app", "web").list().getItems().stream().filter(Pods::ready).toList();
    }

    @Test
    void aReadinessProbeThatNeverPassesFailsTheSyncAtItsTimeoutAndIsRolledBackWithThePodsReady(KubernetesClient client)
            throws Exception {
        String v1 = h.remote.commit("v1", Map.of("app/web.yaml", deployment(env("REV", "1"), READINESS)));
        h.start(ns, "app", "interval: 1h, timeout: 60s, rollback: onFailure, stableFor: 5s");
        assertEquals("Succeeded", h.awaitSyncs(1).get("phase"), String.valueOf(h.status().get("message")));

        String v2 = h.remote.commit("v2 never ready", Map.of("app/web.yaml", deployment(env("REV", "2", "NEVER_READY", "1"), READINESS)));
        Duration[] times = syncAndAwaitRollback(client);
        Duration toFailed = times[0];
        Duration toRolledBack = times[1];
        Map<String, Object> s = h.awaitSyncs(2);

        assertEquals("RolledBack", s.get("phase"), String.valueOf(s.get("message")));
        String message = String.valueOf(s.get("message"));
        assertTrue(message.startsWith("revision " + v2.substring(0, 7) + " failed: not healthy within 1m (sync.timeout)"), message);
        assertTrue(message.contains("rolled back to " + v1.substring(0, 7)), message);
        assertEquals("1", envOf(client, "REV"));
        assertEquals(2, readyPods(client).size(), "the pods of v1 are Ready again");
        assertEquals("Healthy", s.get("healthStatus"));
        System.out.printf("real node: never-ready readiness probe (period 2s, sync.timeout 60s): commit to HealthCheckFailed "
                + "%.1f s, to rolled back %.1f s%n", toFailed.toMillis() / 1000.0, toRolledBack.toMillis() / 1000.0);
    }

    /**
     * The defect a real kubelet showed: both pods of a revision whose liveness probe fails are Ready for the seconds
     * before the first failure, and the revision was recorded as healthy (and became the rollback target).
     */
    @Test
    void aLivenessProbeThatFailsRestartsThePodsAndFailsTheRolloutWithoutWaitingForItsProgressDeadline(KubernetesClient client)
            throws Exception {
        String v1 = h.remote.commit("v1", Map.of("app/web.yaml", deployment(env("REV", "1"), READINESS + "\n" + LIVENESS)));
        h.start(ns, "app", "interval: 1h, timeout: 3m, rollback: onFailure, stableFor: 30s");
        Map<String, Object> first = h.awaitSyncs(1);
        assertEquals("Succeeded", first.get("phase"), String.valueOf(first.get("message")));

        h.remote.commit("v2 liveness fails after 4s", Map.of("app/web.yaml",
                deployment(env("REV", "2", "LIVENESS_FAIL_AFTER", "4"), READINESS + "\n" + LIVENESS)));
        Duration[] times = syncAndAwaitRollback(client);
        Duration toFailed = times[0];
        Duration took = times[1];
        Map<String, Object> s = h.awaitSyncs(2);

        String message = String.valueOf(s.get("message"));
        assertEquals("RolledBack", s.get("phase"), message);
        assertEquals("HealthCheckFailed", s.get("reason"));
        assertTrue(message.contains("container restart"), message);
        assertTrue(message.contains("rolled back to " + v1.substring(0, 7)), message);
        assertEquals(v1, ((Map<?, ?>) s.get("lastSyncedRevision")).get("sha"));
        assertEquals("1", envOf(client, "REV"));
        assertTrue(took.toSeconds() < 120, "failed and rolled back in " + took.toSeconds() + " s, not at the progress deadline (600 s)");
        System.out.printf("real node: liveness failing after 4s (period 2s, 2 failures; stableFor 30s): commit to Degraded and "
                + "rolling back %.1f s, to rolled back %.1f s%n", toFailed.toMillis() / 1000.0, took.toMillis() / 1000.0);
    }

    @Test
    void aSlowStartupProbeThatSucceedsIsHealthyNotFailedEarly(KubernetesClient client) throws Exception {
        String startup = "startupProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 2, failureThreshold: 30}";
        h.remote.commit("v1 starts slowly", Map.of("app/web.yaml",
                deployment(env("READY_AFTER", "15"), startup + "\n" + READINESS + "\n" + LIVENESS)));
        Instant started = Instant.now();
        h.start(ns, "app", "interval: 1h, timeout: 2m, stableFor: 5s");
        Map<String, Object> s = h.awaitSyncs(1);
        assertEquals("Succeeded", s.get("phase"), String.valueOf(s.get("message")));
        assertEquals("Healthy", s.get("healthStatus"));
        assertTrue(Duration.between(started, Instant.now()).toSeconds() >= 15, "it waited for the startup probe");
        assertEquals(2, readyPods(client).size());
    }

    /** The other defect a real kubelet showed: the crash-looping pods being replaced failed the fix. */
    @Test
    void aGoodRevisionAfterACrashLoopingOneIsJudgedByItsOwnPods(KubernetesClient client) throws Exception {
        h.remote.commit("v1", Map.of("app/web.yaml", deployment(env("REV", "1"), READINESS)));
        h.start(ns, "app", "interval: 1h, timeout: 2m, stableFor: 5s");
        assertEquals("Succeeded", h.awaitSyncs(1).get("phase"));

        h.remote.commit("v2 crashes", Map.of("app/web.yaml", deployment(env("REV", "2", "MODE", "crash"), READINESS)));
        h.syncNow();
        Map<String, Object> failed = h.awaitSyncs(2);
        assertEquals("Failed", failed.get("phase"), String.valueOf(failed.get("message")));
        String why = String.valueOf(failed.get("message"));
        assertTrue(why.contains("exited with code 1") || why.contains("CrashLoopBackOff"), why);

        // the fix starts slowly, so the crash-looping pods of v2 are still there while it rolls out
        h.remote.commit("v3 fixed", Map.of("app/web.yaml", deployment(env("REV", "3", "READY_AFTER", "8"), READINESS)));
        h.syncNow();
        Map<String, Object> fixed = h.awaitSyncs(3);
        assertEquals("Succeeded", fixed.get("phase"), String.valueOf(fixed.get("message")));
        assertEquals("Healthy", fixed.get("healthStatus"));
        assertEquals("3", envOf(client, "REV"));
    }

    @Test
    void aPreSyncJobHookThatReallyExitsOneStopsTheSyncBeforeTheMainWave(KubernetesClient client) throws Exception {
        Map<String, String> files = new HashMap<>();
        files.put("app/migrate.yaml", """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: migrate
                  annotations: {capstan.dev/hook: pre-sync}
                spec:
                  backoffLimit: 0
                  template:
                    spec:
                      restartPolicy: Never
                      terminationGracePeriodSeconds: 1
                      containers:
                      - name: migrate
                        image: %s
                        imagePullPolicy: Never
                        env: [{name: MODE, value: exit}, {name: RUN_SECONDS, value: "1"}, {name: EXIT_CODE, value: "1"}]
                """.formatted(RealNode.WORKLOAD_IMAGE));
        files.put("app/web.yaml", deployment(env("REV", "1"), READINESS));
        h.remote.commit("migration fails", files);
        h.start(ns, "app", "interval: 1h, timeout: 90s, stableFor: 5s");
        Map<String, Object> s = h.awaitSyncs(1);
        assertEquals("Failed", s.get("phase"), String.valueOf(s.get("message")));
        assertEquals("HealthCheckFailed", s.get("reason"));
        assertTrue(String.valueOf(s.get("message")).contains("Job/" + ns + "/migrate"), String.valueOf(s.get("message")));
        assertNull(client.apps().deployments().inNamespace(ns).withName("web").get(), "the main wave was never applied");
        var job = client.batch().v1().jobs().inNamespace(ns).withName("migrate").get();
        assertEquals(1, job.getStatus().getFailed(), "the kubelet ran it and it exited 1");
    }

    @Test
    void aStatefulSetRollingUpdateAndADaemonSetAreJudgedByWhatTheKubeletReports(KubernetesClient client) throws Exception {
        String sts = """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db}
                spec:
                  replicas: 2
                  serviceName: db
                  selector: {matchLabels: {app: db}}
                  template:
                    metadata: {labels: {app: db}}
                    spec:
                      terminationGracePeriodSeconds: 1
                      containers:
                      - name: db
                        image: %s
                        imagePullPolicy: Never
                        env: [%%s]
                        readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 2}
                """.formatted(RealNode.WORKLOAD_IMAGE);
        String ds = """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent}
                spec:
                  selector: {matchLabels: {app: agent}}
                  template:
                    metadata: {labels: {app: agent}}
                    spec:
                      terminationGracePeriodSeconds: 1
                      containers:
                      - name: agent
                        image: %s
                        imagePullPolicy: Never
                        env: [%%s]
                        readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 2}
                """.formatted(RealNode.WORKLOAD_IMAGE);
        h.remote.commit("v1", Map.of("app/db.yaml", sts.formatted(env("REV", "1")), "app/agent.yaml", ds.formatted(env("REV", "1"))));
        h.start(ns, "app", "interval: 1h, timeout: 2m, stableFor: 5s");
        Map<String, Object> s1 = h.awaitSyncs(1);
        assertEquals("Succeeded", s1.get("phase"), String.valueOf(s1.get("message")));
        assertEquals("Healthy", AgentHarness.health(s1).get("StatefulSet/" + ns + "/db"));
        assertEquals("Healthy", AgentHarness.health(s1).get("DaemonSet/" + ns + "/agent"));

        h.remote.commit("v2 rolls", Map.of("app/db.yaml", sts.formatted(env("REV", "2", "READY_AFTER", "3")),
                "app/agent.yaml", ds.formatted(env("REV", "2", "READY_AFTER", "3"))));
        h.syncNow();
        Map<String, Object> s2 = h.awaitSyncs(2);
        assertEquals("Succeeded", s2.get("phase"), String.valueOf(s2.get("message")));
        var set = client.apps().statefulSets().inNamespace(ns).withName("db").get();
        assertEquals(set.getStatus().getUpdateRevision(), set.getStatus().getCurrentRevision(), "every replica rolled");
        assertEquals(2, set.getStatus().getReadyReplicas());

        h.remote.commit("v3 crashes", Map.of("app/db.yaml", sts.formatted(env("REV", "3", "MODE", "crash")),
                "app/agent.yaml", ds.formatted(env("REV", "3", "MODE", "crash"))));
        h.syncNow();
        Map<String, Object> s3 = h.awaitSyncs(3);
        assertEquals("Failed", s3.get("phase"), String.valueOf(s3.get("message")));
        assertEquals("Degraded", s3.get("healthStatus"), String.valueOf(s3.get("message")));
    }
}
