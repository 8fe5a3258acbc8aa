package dev.capstan.health;

/** A Namespace is healthy when Active; Terminating is Progressing (its contents are being deleted). */
final class NamespaceHealth implements HealthCheck {

    @Override
    public Health assess(Obj o) {
        return "Terminating".equals(o.string("status.phase")) ? Health.progressing("terminating") : Health.healthy("active");
    }
}
