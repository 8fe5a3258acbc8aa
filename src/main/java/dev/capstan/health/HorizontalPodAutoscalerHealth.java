package dev.capstan.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * An HPA in any served version: autoscaling/v2 and v2beta* carry conditions in status;
 * autoscaling/v1 keeps them as JSON in the annotation
 * {@code autoscaling.alpha.kubernetes.io/conditions}. Degraded only when scaling itself is
 * impossible (AbleToScale False: the target cannot be read or updated). One that cannot
 * read its metrics says so but stays Healthy: the workload runs at its current size, and
 * a cluster without a metrics server (kind, many test clusters) must not fail every sync.
 * Desired replicas that differ from current ones are a rescale in progress.
 */
final class HorizontalPodAutoscalerHealth implements HealthCheck {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> CANNOT_SCALE = Set.of("FailedGetScale", "FailedUpdateScale", "InvalidSelector");

    @Override
    public Health assess(Obj o) {
        List<Obj.Condition> conditions = conditions(o);
        for (Obj.Condition c : conditions) {
            if (c.isFalse() && c.type().equals("AbleToScale") && CANNOT_SCALE.contains(c.reason())) {
                return Health.degraded("AbleToScale is False: " + c.describe());
            }
        }
        long current = o.integer("status.currentReplicas", 0);
        long desired = o.integer("status.desiredReplicas", 0);
        for (Obj.Condition c : conditions) {
            if (c.isFalse() && c.type().equals("ScalingActive")) {
                return Health.healthy("not autoscaling, " + current + " replicas: ScalingActive is False: " + c.describe());
            }
        }
        if (desired > 0 && desired != current) {
            return Health.progressing("rescaling from " + current + " to " + desired + " replicas");
        }
        return Health.healthy(current + " current / " + desired + " desired replicas");
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
