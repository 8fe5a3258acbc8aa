package dev.capstan.health;

/** A DaemonSet is healthy when every node that should run it runs an updated, available pod. */
final class DaemonSetHealth implements HealthCheck {

    @Override
    public Health assess(Obj o) {
        if (o.integer("status.observedGeneration", -1) < o.integer("metadata.generation", 0)) {
            return Health.progressing("waiting for the controller to observe the new spec");
        }
        long desired = o.integer("status.desiredNumberScheduled", 0);
        long updated = o.integer("status.updatedNumberScheduled", 0);
        long available = o.integer("status.numberAvailable", 0);
        if (!"OnDelete".equals(o.string("spec.updateStrategy.type")) && updated < desired) {
            return Health.progressing(updated + " of " + desired + " pods updated");
        }
        if (available < desired) {
            return Health.progressing(available + " of " + desired + " pods available");
        }
        return Health.healthy(available + " of " + desired + " pods available");
    }
}
