package dev.capstan.health;

import java.util.regex.Pattern;

/**
 * Any other kind, custom resources included, read the way kstatus reads them:
 * observedGeneration behind generation is Progressing; Stalled True is Degraded and
 * Reconciling True Progressing; Ready, Available or Succeeded True is Healthy and False
 * Degraded (unless its reason says work is still in progress); no status at all means
 * the object exists, which is all a ConfigMap can promise.
 */
final class GenericHealth implements HealthCheck {

    private static final Pattern IN_PROGRESS = Pattern.compile(
            "(?i).*(progress|reconcil|pending|creating|provisioning|waiting|initializ|deploying|updating|starting).*");

    @Override
    public Health assess(Obj o) {
        if (!o.has("status")) {
            return Health.healthy("exists");
        }
        if (o.has("status.observedGeneration") && o.integer("status.observedGeneration", 0) < o.integer("metadata.generation", 0)) {
            return Health.progressing("waiting for the controller to observe generation " + o.integer("metadata.generation", 0));
        }
        var stalled = o.condition("Stalled");
        if (stalled.isPresent() && stalled.get().isTrue()) {
            return Health.degraded("stalled: " + stalled.get().describe());
        }
        var reconciling = o.condition("Reconciling");
        if (reconciling.isPresent() && reconciling.get().isTrue()) {
            return Health.progressing("reconciling: " + reconciling.get().describe());
        }
        for (String type : new String[] {"Ready", "Available", "Succeeded"}) {
            var c = o.condition(type);
            if (c.isEmpty()) {
                continue;
            }
            if (c.get().isTrue()) {
                return Health.healthy(type.toLowerCase(java.util.Locale.ROOT));
            }
            if (c.get().isFalse()) {
                return IN_PROGRESS.matcher(c.get().reason()).matches()
                        ? Health.progressing(type + " is False: " + c.get().describe())
                        : Health.degraded(type + " is False: " + c.get().describe());
            }
            return Health.progressing(type + " is " + c.get().status());
        }
        return Health.healthy("exists");
    }
}
