package dev.capstan.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.plan.ObjectRef;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A rolling-out workload judged by the pods of the revision it rolls out to: a failing one fails it at once. */
class WorkloadPodsTest {

    private static final Health ROLLING = Health.progressing("1 of 2 updated replicas available");
    private static final Map<String, Object> WEB_SELECTOR = Map.of("matchLabels", Map.of("app", "web"));

    private static Map<String, Object> deployment(Map<String, Object> selector) {
        return deployment(selector, "2", 3, 3);
    }

    private static Map<String, Object> deployment(Map<String, Object> selector, String revision, long generation, long observed) {
        return Map.of("apiVersion", "apps/v1", "kind", "Deployment",
                "metadata", Map.of("name", "web", "uid", "d-1", "generation", generation,
                        "annotations", Map.of("deployment.kubernetes.io/revision", revision)),
                "spec", Map.of("selector", selector), "status", Map.of("observedGeneration", observed));
    }

    private static Map<String, Object> replicaSet(String hash, String revision) {
        return Map.of("apiVersion", "apps/v1", "kind", "ReplicaSet",
                "metadata", Map.of("name", "web-" + hash, "labels", Map.of("app", "web", "pod-template-hash", hash),
                        "annotations", Map.of("deployment.kubernetes.io/revision", revision),
                        "ownerReferences", List.of(Map.of("kind", "Deployment", "name", "web", "uid", "d-1"))));
    }

    /** Revision 1 is ReplicaSet web-a (the old pods), revision 2 web-b (the rollout). */
    private static final List<Map<String, Object>> REPLICA_SETS = List.of(replicaSet("a", "1"), replicaSet("b", "2"));

    private static Map<String, Object> pod(String name, Map<String, String> labels, String waitingReason) {
        return pod(name, labels, waitingReason, 0);
    }

    private static Map<String, Object> pod(String name, Map<String, String> labels, String waitingReason, long restarts) {
        Map<String, Object> state = waitingReason == null ? Map.of("running", Map.of())
                : Map.of("waiting", Map.of("reason", waitingReason, "message", "back-off restarting failed container"));
        Map<String, Object> container = new HashMap<>(Map.of("name", "web", "state", state, "restartCount", restarts));
        if (restarts > 0) {
            container.put("lastState", Map.of("terminated", Map.of("exitCode", 137, "reason", "Error")));
        }
        return Map.of("apiVersion", "v1", "kind", "Pod", "metadata", Map.of("name", name, "uid", "uid-" + name, "labels", labels),
                "spec", Map.of("restartPolicy", "Always"),
                "status", Map.of("phase", "Running", "containerStatuses", List.of(container)));
    }

    private static Health judge(Health h, Map<String, Object> workload, List<Map<String, Object>> pods) {
        return WorkloadPods.judge(h, workload, pods, REPLICA_SETS, null);
    }

    @Test
    void aCrashLoopingPodOfTheNewRevisionMakesItDegradedAtOnce() {
        Health h = judge(ROLLING, deployment(WEB_SELECTOR),
                List.of(pod("web-a-1", Map.of("app", "web", "pod-template-hash", "a"), null),
                        pod("web-b-1", Map.of("app", "web", "pod-template-hash", "b"), "CrashLoopBackOff")));
        assertEquals(HealthStatus.Degraded, h.status());
        assertEquals("Pod/web-b-1: container web CrashLoopBackOff: back-off restarting failed container", h.message());
    }

    /** Seen on a real kubelet: a good revision replacing a crash-looping one was failed by the old pods. */
    @Test
    void aCrashLoopingPodOfTheRevisionBeingReplacedDoesNotFailTheRollout() {
        assertEquals(ROLLING, judge(ROLLING, deployment(WEB_SELECTOR),
                List.of(pod("web-a-1", Map.of("app", "web", "pod-template-hash", "a"), "CrashLoopBackOff"),
                        pod("web-b-1", Map.of("app", "web", "pod-template-hash", "b"), null))));
    }

    @Test
    void beforeTheControllerObservedTheNewSpecNoPodIsTheRollouts() {
        // revision 1 is still the Deployment's: its crash-looping pods are the ones being replaced
        assertEquals(ROLLING, judge(ROLLING, deployment(WEB_SELECTOR, "1", 4, 3),
                List.of(pod("web-a-1", Map.of("app", "web", "pod-template-hash", "a"), "CrashLoopBackOff"))));
    }

    @Test
    void aRestartSinceTheWaitBeganFailsTheRolloutButOneBeforeItDoesNot() {
        Map<String, Object> restarted = pod("web-b-1", Map.of("app", "web", "pod-template-hash", "b"), null, 1);
        Health healthy = Health.healthy("2 of 2 replicas available");
        Health h = WorkloadPods.judge(healthy, deployment(WEB_SELECTOR), List.of(restarted), REPLICA_SETS, Map.of());
        assertEquals(HealthStatus.Degraded, h.status());
        assertEquals("Pod/web-b-1: 1 container restart during the rollout; container web last exited with code 137 (Error)", h.message());
        assertEquals(healthy, WorkloadPods.judge(healthy, deployment(WEB_SELECTOR), List.of(restarted), REPLICA_SETS,
                WorkloadPods.restarts(List.of(restarted))));
        // nobody waits (a report on a settled app): restarts from last week are not a verdict
        assertEquals(healthy, judge(healthy, deployment(WEB_SELECTOR), List.of(restarted)));
    }

    @Test
    void aStatefulSetIsJudgedByThePodsOfItsUpdateRevision() {
        Map<String, Object> sts = Map.of("apiVersion", "apps/v1", "kind", "StatefulSet", "metadata", Map.of("name", "db", "generation", 2),
                "spec", Map.of("selector", Map.of("matchLabels", Map.of("app", "db"))),
                "status", Map.of("observedGeneration", 2, "updateRevision", "db-new", "currentRevision", "db-old"));
        assertEquals(ROLLING, judge(ROLLING, sts, List.of(pod("db-1", Map.of("app", "db", "controller-revision-hash", "db-old"), "CrashLoopBackOff"))));
        assertEquals(HealthStatus.Degraded, judge(ROLLING, sts,
                List.of(pod("db-2", Map.of("app", "db", "controller-revision-hash", "db-new"), "CrashLoopBackOff"))).status());
    }

    @Test
    void aDaemonSetIsJudgedByThePodsOfItsTemplateGeneration() {
        Map<String, Object> ds = Map.of("apiVersion", "apps/v1", "kind", "DaemonSet",
                "metadata", Map.of("name", "agent", "generation", 3, "annotations", Map.of("deprecated.daemonset.template.generation", "3")),
                "spec", Map.of("selector", Map.of("matchLabels", Map.of("app", "agent"))), "status", Map.of("observedGeneration", 3));
        assertEquals(ROLLING, judge(ROLLING, ds, List.of(pod("agent-x", Map.of("app", "agent", "pod-template-generation", "2"), "CrashLoopBackOff"))));
        assertEquals(HealthStatus.Degraded, judge(ROLLING, ds,
                List.of(pod("agent-y", Map.of("app", "agent", "pod-template-generation", "3"), "CrashLoopBackOff"))).status());
    }

    @Test
    void podsOfOtherWorkloadsAndHealthyPodsChangeNothing() {
        Map<String, Object> web = deployment(WEB_SELECTOR);
        assertEquals(ROLLING, judge(ROLLING, web, List.of(pod("db-1", Map.of("app", "db"), "ImagePullBackOff"))));
        assertEquals(ROLLING, judge(ROLLING, web, List.of(pod("web-b-1", Map.of("app", "web", "pod-template-hash", "b"), null))));
    }

    @Test
    void onlyARolloutInProgressIsJudgedByPodsWhenNobodyWaits() {
        Health healthy = Health.healthy("2 of 2 replicas available");
        assertEquals(healthy, judge(healthy, deployment(WEB_SELECTOR),
                List.of(pod("web-b-1", Map.of("app", "web", "pod-template-hash", "b"), "CrashLoopBackOff"))));
    }

    @Test
    void selectorsWithExpressionsAreLeftToTheWorkloadsStatus() {
        Map<String, Object> web = deployment(Map.of("matchLabels", Map.of("app", "web"),
                "matchExpressions", List.of(Map.of("key", "tier", "operator", "In", "values", List.of("front")))));
        assertEquals(ROLLING, judge(ROLLING, web, List.of(pod("web-b-1", Map.of("app", "web", "pod-template-hash", "b"), "CrashLoopBackOff"))));
    }

    @Test
    void appliesToWorkloadsOnly() {
        assertTrue(WorkloadPods.applies(new ObjectRef("apps", "StatefulSet", "shop", "db")));
        assertEquals(false, WorkloadPods.applies(new ObjectRef("batch", "Job", "shop", "migrate")));
        assertEquals(false, WorkloadPods.applies(new ObjectRef("", "Service", "shop", "web")));
    }
}
