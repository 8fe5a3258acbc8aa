package dev.capstan.health;

/** A CRD is healthy when Established with its names accepted; a name conflict is Degraded. */
final class CustomResourceDefinitionHealth implements HealthCheck {

    @Override
    public Health assess(Obj o) {
        var names = o.condition("NamesAccepted");
        if (names.isPresent() && names.get().isFalse()) {
            return Health.degraded("names not accepted: " + names.get().describe());
        }
        var established = o.condition("Established");
        if (established.isPresent() && established.get().isTrue()) {
            return Health.healthy("established");
        }
        return Health.progressing("waiting to be established");
    }
}
