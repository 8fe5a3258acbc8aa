package dev.capstan.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.KubeTest;
import dev.capstan.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs end to end: a pre-sync migration hook, a failing one, recreate on demand, and a
 * change refused for an immutable field that is not retried every interval. The kubelet
 * simulator completes a Job's pod, or fails it for image tag {@code :fail}.
 */
@KubeTest
class HooksEndToEndTest {

    @TempDir
    Path tmp;

    private AgentHarness h;
    private String ns;

    @BeforeEach
    void setUp(TestNamespace testNs, KubeControlPlane cp) {
        ns = "hooks-" + testNs.name().substring(2);
        h = new AgentHarness(tmp, cp, "capstan-" + testNs.name().substring(2));
    }

    @AfterEach
    void tearDown(KubernetesClient client) {
        h.close();
        client.namespaces().withName(ns).delete();
    }

    private Map<String, String> files(String migrateImage, String migrateAnnotations, String webImage) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("app/namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + ns + "}\n");
        f.put("app/migrate.yaml", """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: migrate
                  annotations: {%s}
                spec:
                  backoffLimit: 0
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: migrate, image: "%s"}]
                """.formatted(migrateAnnotations, migrateImage));
        f.put("app/web.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: web, image: "%s"}]}
                """.formatted(webImage));
        return f;
    }

    private static final String PRE_SYNC = "capstan.dev/hook: pre-sync, capstan.dev/hook-delete-policy: hook-succeeded";

    private String webImage(KubernetesClient client) {
        return client.apps().deployments().inNamespace(ns).withName("web").get().getSpec().getTemplate().getSpec()
                .getContainers().get(0).getImage();
    }

    @Test
    void aPreSyncMigrationRunsFirstIsDeletedWhenItSucceededAndAFailingOneStopsTheSync(KubernetesClient client) throws Exception {
        h.remote.commit("v1", files("busybox:1.36", PRE_SYNC, "nginx:1.27"));
        h.start(ns, "app", "interval: 2s, prune: true, timeout: 60s");
        Map<String, Object> s1 = h.awaitSyncs(1);
        assertEquals("Succeeded", s1.get("phase"), String.valueOf(s1.get("message")));
        Map<String, String> actions = AgentHarness.actions(s1);
        assertEquals("created", actions.get("Deployment/" + ns + "/web"));
        assertEquals("pruned", actions.get("Job/" + ns + "/migrate"), actions.toString());
        List<String> applies = h.requests.mutating().stream().filter(r -> r.startsWith("PATCH") && !r.contains("dryRun")
                && (r.contains("/jobs/migrate") || r.contains("/deployments/web"))).toList();
        assertTrue(applies.get(0).contains("/jobs/migrate"), "the hook first: " + applies);
        assertNull(client.batch().v1().jobs().inNamespace(ns).withName("migrate").get(), "hook-succeeded deletes it");

        // resyncs of the same commit do not run the hook again
        h.requests.clear();
        h.awaitSyncs(3);
        assertTrue(h.requests.mutating().stream().noneMatch(r -> r.contains("/jobs")), h.requests.mutating().toString());
        assertEquals("Healthy", h.status().get("healthStatus"), "a deleted hook is not Missing");
        assertTrue(((List<?>) h.status().get("drift")).isEmpty(), "nor drift");

        // a failing migration stops the sync before the Deployment changes
        h.remote.commit("v2", files("busybox:fail", PRE_SYNC, "nginx:1.28"));
        await().atMost(Duration.ofSeconds(90)).until(() -> "Failed".equals(h.status().get("phase")));
        Map<String, Object> failed = h.status();
        assertEquals("HealthCheckFailed", failed.get("reason"));
        assertTrue(String.valueOf(failed.get("message")).contains("Job/" + ns + "/migrate"), String.valueOf(failed.get("message")));
        assertEquals("nginx:1.27", webImage(client), "nothing else applied");
    }

    @Test
    void aChangedJobIsRecreatedWhenAnnotatedAndOtherwiseRefusedOnceWithTheWayOut(KubernetesClient client) throws Exception {
        h.remote.commit("v1", files("busybox:1.36", "capstan.dev/recreate: enabled", "nginx:1.27"));
        h.start(ns, "app", "interval: 2s, prune: true, timeout: 60s");
        assertEquals("Succeeded", h.awaitSyncs(1).get("phase"));
        Job first = client.batch().v1().jobs().inNamespace(ns).withName("migrate").get();

        h.remote.commit("v2", files("busybox:1.37", "capstan.dev/recreate: enabled", "nginx:1.27"));
        await().atMost(Duration.ofSeconds(90)).until(() -> "recreated".equals(
                AgentHarness.actions(h.status()).get("Job/" + ns + "/migrate")) && "Succeeded".equals(h.status().get("phase")));
        Job second = client.batch().v1().jobs().inNamespace(ns).withName("migrate").get();
        assertNotEquals(first.getMetadata().getUid(), second.getMetadata().getUid());
        assertEquals("busybox:1.37", second.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
        assertEquals(1, second.getStatus().getSucceeded(), "the new Job ran");

        // without the annotation: refused, with the way out, and not re-sent every interval
        h.remote.commit("v3", files("busybox:1.38", "note: no-recreate", "nginx:1.27"));
        await().atMost(Duration.ofSeconds(60)).until(() -> "Failed".equals(h.status().get("phase")));
        String message = String.valueOf(h.status().get("message"));
        assertEquals("ApplyFailed", h.status().get("reason"));
        assertTrue(message.contains("Job/" + ns + "/migrate"), message);
        assertTrue(message.contains("spec.template: field is immutable"), message);
        assertTrue(message.contains("capstan.dev/recreate: enabled"), message);
        assertTrue(message.length() < 600, "no struct dump: " + message);
        h.requests.clear();
        Thread.sleep(7_000); // three intervals
        List<String> jobRequests = h.requests.mutating().stream().filter(r -> r.contains("/jobs/migrate")).toList();
        assertEquals(List.of(), jobRequests, "held: no request until a new commit or a manual sync");
        assertEquals("Failed", h.status().get("phase"));
    }
}
