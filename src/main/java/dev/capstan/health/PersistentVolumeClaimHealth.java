package dev.capstan.health;

/** A claim is healthy when Bound; Pending waits for a volume; Lost means its volume is gone. */
final class PersistentVolumeClaimHealth implements HealthCheck {

    @Override
    public Health assess(Obj o) {
        String phase = o.string("status.phase");
        if ("Bound".equals(phase)) {
            return Health.healthy("bound to " + o.string("spec.volumeName"));
        }
        if ("Lost".equals(phase)) {
            return Health.degraded("claim lost its volume " + o.string("spec.volumeName"));
        }
        return Health.progressing("waiting for a volume (" + (phase == null ? "Pending" : phase) + ")");
    }
}
