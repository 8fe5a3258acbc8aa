package dev.capstan.health;

/** A ReplicaSet is healthy when all its replicas are available; ReplicaFailure (quota, admission) is Degraded. */
final class ReplicaSetHealth implements HealthCheck {

    @Override
    public Health assess(Obj o) {
        var failure = o.condition("ReplicaFailure");
        if (failure.isPresent() && failure.get().isTrue()) {
            return Health.degraded(failure.get().describe());
        }
        if (o.integer("status.observedGeneration", -1) < o.integer("metadata.generation", 0)) {
            return Health.progressing("waiting for the controller to observe the new spec");
        }
        long wanted = o.integer("spec.replicas", 1);
        long available = o.integer("status.availableReplicas", 0);
        return available < wanted ? Health.progressing(available + " of " + wanted + " replicas available")
                : Health.healthy(available + " of " + wanted + " replicas available");
    }
}
