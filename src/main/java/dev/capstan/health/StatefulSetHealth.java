package dev.capstan.health;

/**
 * A StatefulSet is healthy when every replica is ready and on the update revision; with
 * a partitioned rolling update only the ordinals at or above the partition must be
 * updated; with OnDelete the controller never updates pods itself, so readiness is all
 * that can be judged.
 */
final class StatefulSetHealth implements HealthCheck {

    @Override
    public Health assess(Obj o) {
        long wanted = o.integer("spec.replicas", 1);
        long ready = o.integer("status.readyReplicas", 0);
        String readiness = ready + " of " + wanted + " replicas ready";
        if (o.integer("status.observedGeneration", -1) < o.integer("metadata.generation", 0)) {
            return Health.progressing("waiting for the controller to observe the new spec");
        }
        if (ready < wanted) {
            return Health.progressing(readiness);
        }
        if ("OnDelete".equals(o.string("spec.updateStrategy.type"))) {
            return Health.healthy(readiness + " (OnDelete: pods update when deleted)");
        }
        long partition = o.integer("spec.updateStrategy.rollingUpdate.partition", 0);
        long updated = o.integer("status.updatedReplicas", 0);
        if (partition > 0) {
            long expected = Math.max(0, wanted - partition);
            return updated < expected
                    ? Health.progressing(updated + " of " + expected + " replicas above partition " + partition + " updated")
                    : Health.healthy(readiness + "; partitioned rollout done (" + updated + " updated)");
        }
        String current = o.string("status.currentRevision");
        String update = o.string("status.updateRevision");
        if (update != null && !update.equals(current)) {
            return Health.progressing(updated + " of " + wanted + " replicas updated to revision " + update);
        }
        return Health.healthy(readiness);
    }
}
