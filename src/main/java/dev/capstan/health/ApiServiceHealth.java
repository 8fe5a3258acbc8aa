package dev.capstan.health;

/** An APIService is healthy when Available; False means its backing service does not answer. */
final class ApiServiceHealth implements HealthCheck {

    @Override
    public Health assess(Obj o) {
        var available = o.condition("Available");
        if (available.isEmpty()) {
            return Health.progressing("waiting for availability");
        }
        return available.get().isTrue() ? Health.healthy("available") : Health.degraded("not available: " + available.get().describe());
    }
}
