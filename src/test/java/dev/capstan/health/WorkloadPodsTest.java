package dev.capstan.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capstan.plan.ObjectRef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A rolling-out workload judged by its pods: a failing pod fails it at once. */
class WorkloadPodsTest {

    private static final Health ROLLING = Health.progressing("1 of 2 updated replicas available");

    private static Map<String, Object> deployment(Map<String, Object> selector) {
        return Map.of("apiVersion", "apps/v1", "kind", "Deployment", "metadata", Map.of("name", "web"),
                "spec", Map.of("selector", selector));
    }

    private static Map<String, Object> pod(String name, Map<String, String> labels, String waitingReason) {
        Map<String, Object> state = waitingReason == null ? Map.of("running", Map.of())
                : Map.of("waiting", Map.of("reason", waitingReason, "message", "back-off restarting failed container"));
        return Map.of("apiVersion", "v1", "kind", "Pod", "metadata", Map.of("name", name, "labels", labels),
                "spec", Map.of("restartPolicy", "Always"),
                "status", Map.of("phase", "Running", "containerStatuses", List.of(Map.of("name", "web", "state", state))));
    }

    @Test
    void aCrashLoopingPodOfTheWorkloadMakesItDegradedAtOnce() {
        Health h = WorkloadPods.judge(ROLLING, deployment(Map.of("matchLabels", Map.of("app", "web"))),
                List.of(pod("web-old", Map.of("app", "web", "pod-template-hash", "a"), null),
                        pod("web-new", Map.of("app", "web", "pod-template-hash", "b"), "CrashLoopBackOff")));
        assertEquals(HealthStatus.Degraded, h.status());
        assertEquals("Pod/web-new: container web CrashLoopBackOff: back-off restarting failed container", h.message());
    }

    @Test
    void podsOfOtherWorkloadsAndHealthyPodsChangeNothing() {
        Map<String, Object> web = deployment(Map.of("matchLabels", Map.of("app", "web")));
        assertEquals(ROLLING, WorkloadPods.judge(ROLLING, web, List.of(pod("db-1", Map.of("app", "db"), "ImagePullBackOff"))));
        assertEquals(ROLLING, WorkloadPods.judge(ROLLING, web, List.of(pod("web-1", Map.of("app", "web"), null))));
    }

    @Test
    void onlyARolloutInProgressIsJudgedByPods() {
        Health healthy = Health.healthy("2 of 2 replicas available");
        assertEquals(healthy, WorkloadPods.judge(healthy, deployment(Map.of("matchLabels", Map.of("app", "web"))),
                List.of(pod("web-1", Map.of("app", "web"), "CrashLoopBackOff"))));
    }

    @Test
    void selectorsWithExpressionsAreLeftToTheWorkloadsStatus() {
        Map<String, Object> web = deployment(Map.of("matchLabels", Map.of("app", "web"),
                "matchExpressions", List.of(Map.of("key", "tier", "operator", "In", "values", List.of("front")))));
        assertEquals(ROLLING, WorkloadPods.judge(ROLLING, web, List.of(pod("web-1", Map.of("app", "web"), "CrashLoopBackOff"))));
    }

    @Test
    void appliesToWorkloadsOnly() {
        assertEquals(true, WorkloadPods.applies(new ObjectRef("apps", "StatefulSet", "shop", "db")));
        assertEquals(false, WorkloadPods.applies(new ObjectRef("batch", "Job", "shop", "migrate")));
        assertEquals(false, WorkloadPods.applies(new ObjectRef("", "Service", "shop", "web")));
    }
}
