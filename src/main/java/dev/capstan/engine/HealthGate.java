package dev.capstan.engine;

import dev.capstan.config.Durations;
import dev.capstan.health.AppliedVersion;
import dev.capstan.health.GatePolicy;
import dev.capstan.health.GatePolicy.Gate;
import dev.capstan.health.HealthReport;
import dev.capstan.health.RolloutWaiter;
import dev.capstan.plan.ObjectRef;
import dev.capstan.plan.PlanEntry;
import dev.capstan.plan.Wave;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The health gate after each wave: waits (watch-driven) for what the rollout needs, shows
 * what it only reports (see {@link GatePolicy}), tells the listener what it waits for,
 * and says why the sync must stop, if it must.
 */
final class HealthGate {

    /** The gate's verdict: the report to show, and why the sync must stop (empty when the next wave may start). */
    record Verdict(HealthReport report, Optional<String> failure) {
    }

    private final EnginePorts.Health health;
    private final SyncListener listener;
    private final Clock clock;
    private final Duration timeout;
    private final Duration stableFor;

    HealthGate(EnginePorts.Health health, SyncListener listener, Clock clock, Duration timeout, Duration stableFor) {
        this.health = health;
        this.listener = listener;
        this.clock = clock;
        this.timeout = timeout;
        this.stableFor = stableFor;
    }

    /**
     * @param mustWait this sync changed something so far, or the revision has not been healthy yet; otherwise only look
     * @param deadline when {@code sync.timeout}, counted from the sync's start, runs out
     */
    Verdict check(Wave wave, boolean mustWait, Map<ObjectRef, AppliedVersion> applied, Instant deadline) {
        if (!mustWait) {
            return new Verdict(health.assess(targets(wave.entries(), applied)), Optional.empty());
        }
        List<RolloutWaiter.Target> waitFor = targets(wave.entries(), applied, gate -> gate == Gate.WAIT);
        List<RolloutWaiter.Target> reportOnly = targets(wave.entries(), applied, gate -> gate == Gate.REPORT);
        Instant started = clock.instant();
        HealthReport report;
        try {
            report = health.await(waitFor, Duration.between(started, deadline), stableFor,
                    pending -> listener.waiting(pending, timeout.minus(Duration.between(clock.instant(), deadline)), timeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Verdict(health.assess(waitFor), Optional.of("interrupted while waiting for health"));
        } finally {
            listener.healthWaited(Duration.between(started, clock.instant()));
        }
        HealthReport shown = reportOnly.isEmpty() ? report : report.with(health.assess(reportOnly));
        if (report.done()) {
            return new Verdict(shown, Optional.empty());
        }
        return new Verdict(shown, Optional.of((report.timedOut() ? "not healthy within " + Durations.format(timeout)
                + " (sync.timeout)" : "rollout failed") + (wave.number() != 0 ? " in wave " + wave.number() : "")
                + ": " + report.describeProblems()));
    }

    /** What an app's health is judged on: its own desired objects but the ignored ones, at the versions a sync applied (if any). */
    static List<RolloutWaiter.Target> targets(List<PlanEntry> entries, Map<ObjectRef, AppliedVersion> applied) {
        return targets(entries, applied, gate -> gate != Gate.IGNORE);
    }

    private static List<RolloutWaiter.Target> targets(List<PlanEntry> entries, Map<ObjectRef, AppliedVersion> applied,
                                                      Predicate<Gate> which) {
        return entries.stream().filter(PlanEntry::isOwnDesired).filter(e -> which.test(GatePolicy.of(e.desired().body())))
                .map(e -> new RolloutWaiter.Target(e.apiVersion(), e.ref(), applied.get(e.ref()))).toList();
    }
}
