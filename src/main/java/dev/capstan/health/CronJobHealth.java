package dev.capstan.health;

/** A CronJob is Suspended when suspended; otherwise healthy (its Jobs carry their own health). */
final class CronJobHealth implements HealthCheck {

    @Override
    public Health assess(Obj o) {
        if (o.bool("spec.suspend")) {
            return Health.suspended("cron job is suspended");
        }
        String last = o.string("status.lastScheduleTime");
        return Health.healthy(last == null ? "scheduled, not run yet" : "last scheduled " + last);
    }
}
