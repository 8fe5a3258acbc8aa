package dev.capstan.health;

import dev.capstan.plan.ObjectRef;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A workload that is still rolling out is judged by its pods too: one whose container
 * crash-loops, cannot pull its image, cannot be configured or exited with an error makes
 * the workload Degraded at once. Its own status would say so only at the progress deadline
 * (10 minutes by default), and a StatefulSet or DaemonSet never. Pure: the pods come in.
 */
public final class WorkloadPods {

    private static final Set<String> WORKLOADS = Set.of("apps/Deployment", "apps/StatefulSet", "apps/DaemonSet",
            "apps/ReplicaSet");

    private WorkloadPods() {
    }

    /** Whether {@code ref}'s health depends on its pods. */
    public static boolean applies(ObjectRef ref) {
        return WORKLOADS.contains(ref.group() + "/" + ref.kind());
    }

    /**
     * The workload's pod selector when it is plain {@code matchLabels}; empty otherwise (anything
     * else is left to the workload's own status).
     */
    public static java.util.Optional<Map<String, String>> selector(Map<String, Object> workload) {
        Obj w = new Obj(workload);
        if (!(w.get("spec.selector.matchLabels") instanceof Map<?, ?> labels) || labels.isEmpty()
                || w.get("spec.selector.matchExpressions") != null) {
            return java.util.Optional.empty();
        }
        Map<String, String> out = new java.util.LinkedHashMap<>();
        labels.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        return java.util.Optional.of(out);
    }

    /**
     * @param health the workload's own health
     * @param pods the pods of its namespace (plain data); those its selector matches count
     */
    public static Health judge(Health health, Map<String, Object> workload, List<Map<String, Object>> pods) {
        if (health.status() != HealthStatus.Progressing) {
            return health;
        }
        java.util.Optional<Map<String, String>> selector = selector(workload);
        if (selector.isEmpty()) {
            return health;
        }
        for (Map<String, Object> pod : pods) {
            Obj p = new Obj(pod);
            if (p.has("metadata.deletionTimestamp") || !(p.get("metadata.labels") instanceof Map<?, ?> labels)
                    || !labels.entrySet().containsAll(selector.get().entrySet())) {
                continue;
            }
            Health ph = HealthChecks.assess(pod);
            if (ph.status() == HealthStatus.Degraded) {
                return Health.degraded("Pod/" + p.string("metadata.name") + ": " + ph.message());
            }
        }
        return health;
    }
}
