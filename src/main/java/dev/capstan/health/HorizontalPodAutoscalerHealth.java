package dev.capstan.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * An HPA in any served version: autoscaling/v2 and v2beta* carry conditions in status;
 * autoscaling/v1 keeps them as JSON in the annotation
 * {@code autoscaling.alpha.kubernetes.io/conditions}. AbleToScale or ScalingActive False
 * for a failure reason (metrics unavailable, target missing) is Degraded.
 */
final class HorizontalPodAutoscalerHealth implements HealthCheck {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> FAILURES = Set.of("FailedGetScale", "FailedUpdateScale", "FailedGetResourceMetric",
            "InvalidSelector", "FailedGetObjectMetric", "FailedGetPodsMetric", "FailedGetExternalMetric",
            "FailedComputeMetricsReplicas", "FailedGetContainerResourceMetric", "InvalidMetricSourceType");

    @Override
    public Health assess(Obj o) {
        for (Obj.Condition c : conditions(o)) {
            if (c.isFalse() && (c.type().equals("AbleToScale") || c.type().equals("ScalingActive")) && FAILURES.contains(c.reason())) {
                return Health.degraded(c.type() + " is False: " + c.describe());
            }
        }
        return Health.healthy(o.integer("status.currentReplicas", 0) + " current / " + o.integer("status.desiredReplicas", 0)
                + " desired replicas");
    }

    private static List<Obj.Condition> conditions(Obj o) {
        List<Map<String, Object>> raw = new ArrayList<>(o.list("status.conditions"));
        Object annotation = o.get("metadata.annotations") instanceof Map<?, ?> a
                ? a.get("autoscaling.alpha.kubernetes.io/conditions") : null;
        if (raw.isEmpty() && annotation instanceof String s) {
            try {
                for (Object item : JSON.readValue(s, List.class)) {
                    if (item instanceof Map<?, ?> m) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> cm = (Map<String, Object>) m;
                        raw.add(cm);
                    }
                }
            } catch (RuntimeException e) {
                // an unreadable annotation says nothing about health
            }
        }
        List<Obj.Condition> out = new ArrayList<>();
        for (Map<String, Object> c : raw) {
            out.add(new Obj.Condition(str(c.get("type")), str(c.get("status")), str(c.get("reason")), str(c.get("message"))));
        }
        return out;
    }

    private static String str(Object o) {
        return o == null ? "" : String.valueOf(o);
    }
}
