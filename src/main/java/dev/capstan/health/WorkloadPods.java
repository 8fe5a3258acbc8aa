package dev.capstan.health;

import dev.capstan.plan.ObjectRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A workload that is rolling out is judged by the pods of the revision it rolls out to:
 * one whose container crash-loops, cannot pull its image, cannot be configured, exited with
 * an error or restarted since the wait began makes the workload Degraded at once. Its own
 * status would say so only at the progress deadline (10 minutes by default), and a
 * StatefulSet or DaemonSet never.
 *
 * <p>Only the pods of the current revision count (a Deployment's current ReplicaSet's
 * {@code pod-template-hash}, a StatefulSet's {@code updateRevision}, a DaemonSet's template
 * generation). Seen on a real kubelet: a good revision that replaced a crash-looping one was
 * failed ten seconds after it was applied, by a pod of the old ReplicaSet still being
 * replaced. Pure: pods and ReplicaSets come in.
 */
public final class WorkloadPods {

    private static final Set<String> WORKLOADS = Set.of("apps/Deployment", "apps/StatefulSet", "apps/DaemonSet",
            "apps/ReplicaSet");
    private static final String DEPLOYMENT_REVISION = "deployment.kubernetes.io/revision";
    private static final String DAEMONSET_GENERATION = "deprecated.daemonset.template.generation";

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
    public static Optional<Map<String, String>> selector(Map<String, Object> workload) {
        Obj w = new Obj(workload);
        if (!(w.get("spec.selector.matchLabels") instanceof Map<?, ?> labels) || labels.isEmpty()
                || w.get("spec.selector.matchExpressions") != null) {
            return Optional.empty();
        }
        Map<String, String> out = new java.util.LinkedHashMap<>();
        labels.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        return Optional.of(out);
    }

    /**
     * The labels only pods of the workload's current revision carry (none for a ReplicaSet: all its pods are);
     * empty while that revision cannot be told yet (the controller has not observed the new spec, or has not created
     * the new ReplicaSet): then no pod is the rollout's yet.
     *
     * @param replicaSets the ReplicaSets its selector matches (used for a Deployment only)
     */
    public static Optional<Map<String, String>> currentRevision(Map<String, Object> workload, List<Map<String, Object>> replicaSets) {
        Obj w = new Obj(workload);
        if (w.integer("status.observedGeneration", -1) < w.integer("metadata.generation", 0)) {
            return Optional.empty();
        }
        return switch (w.kind()) {
            case "Deployment" -> {
                String revision = annotation(w, DEPLOYMENT_REVISION);
                String uid = w.string("metadata.uid");
                yield replicaSets.stream().map(Obj::new)
                        .filter(rs -> revision != null && revision.equals(annotation(rs, DEPLOYMENT_REVISION)))
                        .filter(rs -> uid == null || ownedBy(rs, uid))
                        .map(rs -> label(rs, "pod-template-hash"))
                        .filter(java.util.Objects::nonNull)
                        .findFirst().map(hash -> Map.of("pod-template-hash", hash));
            }
            case "StatefulSet" -> Optional.ofNullable(w.string("status.updateRevision"))
                    .map(rev -> Map.of("controller-revision-hash", rev));
            // the DaemonSet controller labels its pods with the template generation the API server keeps in this
            // annotation; without it (an old server) every pod of the selector counts, as before
            case "DaemonSet" -> Optional.of(Optional.ofNullable(annotation(w, DAEMONSET_GENERATION))
                    .map(gen -> Map.of("pod-template-generation", gen)).orElse(Map.of()));
            default -> Optional.of(Map.of());
        };
    }

    /**
     * @param health the workload's own health
     * @param pods the pods its selector matches (plain data)
     * @param replicaSets the ReplicaSets its selector matches
     * @param restartsBefore container restarts per pod uid when the wait for this rollout began (a pod not listed had
     *        none); null when nobody waits, as for a health report of a settled app: then restarts are not judged and
     *        only a rollout in progress is
     */
    public static Health judge(Health health, Map<String, Object> workload, List<Map<String, Object>> pods,
                               List<Map<String, Object>> replicaSets, Map<String, Long> restartsBefore) {
        if (!judges(health, restartsBefore) || selector(workload).isEmpty()) {
            return health;
        }
        Optional<Map<String, String>> revision = currentRevision(workload, replicaSets);
        if (revision.isEmpty()) {
            return health;
        }
        for (Map<String, Object> pod : pods) {
            Obj p = new Obj(pod);
            if (p.has("metadata.deletionTimestamp") || !(p.get("metadata.labels") instanceof Map<?, ?> labels)
                    || !labels.entrySet().containsAll(revision.get().entrySet())) {
                continue;
            }
            Health ph = HealthChecks.assess(pod);
            if (ph.status() == HealthStatus.Degraded) {
                return Health.degraded("Pod/" + p.string("metadata.name") + ": " + ph.message());
            }
            if (restartsBefore != null) {
                long before = restartsBefore.getOrDefault(p.string("metadata.uid"), 0L);
                long now = restarts(p);
                if (now > before) {
                    return Health.degraded("Pod/" + p.string("metadata.name") + ": " + (now - before)
                            + (now - before == 1 ? " container restart" : " container restarts") + " during the rollout"
                            + lastExit(p));
                }
            }
        }
        return health;
    }

    /** Whether pods can change {@code health}: a rollout in progress, or (while a wait runs) a healthy one. */
    static boolean judges(Health health, Map<String, Long> restartsBefore) {
        return health.status() == HealthStatus.Progressing || (restartsBefore != null && health.status() == HealthStatus.Healthy);
    }

    /** Restarts per pod uid, the baseline of {@link #judge} for a wait that begins now. */
    public static Map<String, Long> restarts(List<Map<String, Object>> pods) {
        Map<String, Long> out = new java.util.HashMap<>();
        for (Map<String, Object> pod : pods) {
            Obj p = new Obj(pod);
            if (p.string("metadata.uid") != null) {
                out.put(p.string("metadata.uid"), restarts(p));
            }
        }
        return out;
    }

    private static long restarts(Obj pod) {
        long n = 0;
        for (String field : List.of("status.initContainerStatuses", "status.containerStatuses")) {
            for (Map<String, Object> c : pod.list(field)) {
                n += new Obj(c).integer("restartCount", 0);
            }
        }
        return n;
    }

    /** "; container web last exited with code 137 (Error)": what a person looks at first. */
    private static String lastExit(Obj pod) {
        List<String> exits = new ArrayList<>();
        for (Map<String, Object> c : pod.list("status.containerStatuses")) {
            Obj s = new Obj(c);
            if (s.has("lastState.terminated")) {
                String reason = s.string("lastState.terminated.reason");
                exits.add("container " + c.get("name") + " last exited with code " + s.integer("lastState.terminated.exitCode", 0)
                        + (reason != null ? " (" + reason + ")" : ""));
            }
        }
        return exits.isEmpty() ? "" : "; " + String.join("; ", exits);
    }

    private static String annotation(Obj o, String key) {
        // annotation keys hold dots: not addressable as a dotted path
        return o.get("metadata.annotations") instanceof Map<?, ?> a && a.get(key) != null ? String.valueOf(a.get(key)) : null;
    }

    private static String label(Obj o, String key) {
        return o.get("metadata.labels") instanceof Map<?, ?> l && l.get(key) != null ? String.valueOf(l.get(key)) : null;
    }

    private static boolean ownedBy(Obj o, String uid) {
        return o.list("metadata.ownerReferences").stream().anyMatch(ref -> uid.equals(ref.get("uid")));
    }
}
