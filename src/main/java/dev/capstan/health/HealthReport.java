package dev.capstan.health;

import java.util.List;
import java.util.stream.Collectors;

/** The health of a set of objects: the app's (or a wave's) health is the worst of them. */
public record HealthReport(List<ObjectHealth> objects, boolean timedOut) {

    public HealthReport {
        objects = List.copyOf(objects);
    }

    public HealthStatus worst() {
        HealthStatus w = HealthStatus.Healthy;
        for (ObjectHealth o : objects) {
            w = HealthStatus.worst(w, o.health().status());
        }
        return w;
    }

    /** Healthy, or Suspended (a paused rollout is the user's choice, not a failure). */
    public boolean done() {
        return objects.stream().allMatch(o -> o.health().status() == HealthStatus.Healthy
                || o.health().status() == HealthStatus.Suspended);
    }

    /** This report plus {@code other}'s objects (shown, not judged: {@link #done()} of the result counts them too). */
    public HealthReport with(HealthReport other) {
        List<ObjectHealth> all = new java.util.ArrayList<>(objects);
        all.addAll(other.objects());
        return new HealthReport(all, timedOut);
    }

    public List<ObjectHealth> notHealthy() {
        return objects.stream().filter(o -> o.health().status() != HealthStatus.Healthy).toList();
    }

    /** "Deployment/shop/web: Degraded: 1 of 3 ...; ..." for the objects that are not healthy (at most 10). */
    public String describeProblems() {
        List<ObjectHealth> bad = notHealthy();
        String listed = bad.stream().limit(10).map(ObjectHealth::toString).collect(Collectors.joining("; "));
        return bad.size() > 10 ? listed + "; and " + (bad.size() - 10) + " more" : listed;
    }
}
