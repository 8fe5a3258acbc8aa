package dev.capstan.health;

/**
 * A Deployment is healthy when the controller has seen its latest spec and every
 * replica is updated and available; ProgressDeadlineExceeded (the controller giving up
 * on a rollout) is Degraded, a paused Deployment Suspended.
 */
final class DeploymentHealth implements HealthCheck {

    @Override
    public Health assess(Obj o) {
        if (o.bool("spec.paused")) {
            return Health.suspended("rollout is paused");
        }
        long wanted = o.integer("spec.replicas", 1);
        long available = o.integer("status.availableReplicas", 0);
        long updated = o.integer("status.updatedReplicas", 0);
        long current = o.integer("status.replicas", 0);
        String availability = available + " of " + wanted + " replicas available";
        // Generation first: a ProgressDeadlineExceeded left from the previous rollout is stale
        // until the controller has observed the new spec.
        if (o.integer("status.observedGeneration", -1) < o.integer("metadata.generation", 0)) {
            return Health.progressing("waiting for the controller to observe the new spec");
        }
        boolean complete = updated >= wanted && available >= wanted && current <= updated;
        var progressing = o.condition("Progressing");
        // A rollout that completed (e.g. back to a ReplicaSet that was already available) is
        // healthy even while the controller has not yet replaced the stale condition.
        if (!complete && progressing.isPresent() && "ProgressDeadlineExceeded".equals(progressing.get().reason())) {
            return Health.degraded(availability + "; " + progressing.get().describe());
        }
        if (updated < wanted) {
            return Health.progressing(updated + " of " + wanted + " replicas updated; " + availability);
        }
        if (current > updated) {
            return Health.progressing((current - updated) + " old replicas pending termination");
        }
        if (available < wanted) {
            return Health.progressing(availability);
        }
        return Health.healthy(availability);
    }
}
