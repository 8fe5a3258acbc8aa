package dev.capstan.health;

/** A Job: Complete is Healthy, Failed (backoff limit, deadline) Degraded, suspended Suspended, else Progressing. */
final class JobHealth implements HealthCheck {

    @Override
    public Health assess(Obj o) {
        var failed = o.condition("Failed");
        if (failed.isPresent() && failed.get().isTrue()) {
            return Health.degraded("job failed: " + failed.get().describe());
        }
        var complete = o.condition("Complete");
        if (complete.isPresent() && complete.get().isTrue()) {
            return Health.healthy("job completed (" + o.integer("status.succeeded", 0) + " succeeded)");
        }
        if (o.bool("spec.suspend")) {
            return Health.suspended("job is suspended");
        }
        return Health.progressing("job running: " + o.integer("status.active", 0) + " active, "
                + o.integer("status.succeeded", 0) + " succeeded, " + o.integer("status.failed", 0) + " failed");
    }
}
