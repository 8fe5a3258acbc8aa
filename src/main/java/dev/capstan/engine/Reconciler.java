package dev.capstan.engine;

import dev.capstan.apply.Action;
import dev.capstan.apply.ApplyException;
import dev.capstan.apply.Change;
import dev.capstan.apply.ChangeSet;
import dev.capstan.apply.DryRun;
import dev.capstan.apply.WaveResult;
import dev.capstan.config.ApplicationSpec;
import dev.capstan.engine.SyncOutcome.Failed;
import dev.capstan.engine.SyncOutcome.Rejected;
import dev.capstan.engine.SyncOutcome.Succeeded;
import dev.capstan.health.AppliedVersion;
import dev.capstan.health.HealthReport;
import dev.capstan.plan.DesiredObject;
import dev.capstan.plan.Hooks;
import dev.capstan.plan.Inventory;
import dev.capstan.plan.ObjectRef;
import dev.capstan.plan.Plan;
import dev.capstan.plan.PlanEntry;
import dev.capstan.plan.Planner;
import dev.capstan.plan.Wave;
import dev.capstan.render.Problem;
import dev.capstan.render.RenderException;
import dev.capstan.source.GitSourceException;
import dev.capstan.source.Revision;
import dev.capstan.source.RevisionSource;
import dev.capstan.source.RevisionTree;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One application's sync, top to bottom as in DESIGN.md: fetch, render + validate, plan,
 * dry-run, then wave by wave apply and health gate, inventory, prune. Each step is a
 * named call that returns a value; a failing step ends the sync in a {@link SyncOutcome}
 * named for it, and nothing is pruned after a failure. With {@code sync.rollback:
 * onFailure} a revision that fails its health gate is replaced by the last healthy one.
 * The engine records nothing itself: the outcome goes back to the caller, progress to a
 * {@link SyncListener}.
 */
public final class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final ApplicationSpec app;
    private final RevisionSource source;
    private final EnginePorts ports;
    private final SyncListener listener;
    private final Clock clock;
    private final HealthGate gate;
    private final HeldRevision held = new HeldRevision();
    private final QuietPass quiet = new QuietPass();
    private final SyncHooks hooks;
    /** What the last sync that got as far as planning wanted, for self-heal. */
    private volatile List<DesiredObject> lastDesired = List.of();

    public Reconciler(ApplicationSpec app, RevisionSource source, EnginePorts ports, SyncListener listener, Clock clock) {
        this.app = app;
        this.source = source;
        this.ports = ports;
        this.listener = listener;
        this.clock = clock;
        this.gate = new HealthGate(ports.health(), listener, clock, app.sync().timeout(), app.sync().stableFor());
        this.hooks = new SyncHooks(app.name(), ports);
    }

    public String app() {
        return app.name();
    }

    /**
     * Runs the pipeline once. Never throws for a failure of the app's own inputs.
     *
     * @param manual asked for through the API: retries even a revision that was rolled back
     */
    public SyncOutcome reconcile(boolean manual) {
        return reconcile(manual, manual ? System.nanoTime() : 0);
    }

    /**
     * @param askedAtNanos when the sync was asked for ({@link System#nanoTime()}: a push, a manual sync), else 0;
     *        Git is asked after that moment, and the apps one push triggers share that one request
     */
    public SyncOutcome reconcile(boolean manual, long askedAtNanos) {
        listener.started(clock.instant());
        // fetch: one ls-remote; a fetch only when the commit is new
        RevisionTree snapshot;
        try {
            snapshot = source.sync(askedAtNanos); // a push asks Git after it; a scheduled sync may share a recent answer
        } catch (GitSourceException e) {
            return new SyncOutcome.FetchFailed(e.getMessage());
        }
        listener.fetched(snapshot.revision());
        try {
            return reconcileRevision(snapshot, manual);
        } catch (RuntimeException e) {
            // the cluster failed the sync outside any one object's apply (an inventory write or a list refused): the
            // status says so, instead of staying Syncing while the runner retries
            Plan none = new Plan(List.of());
            return new Failed(snapshot.revision(), Reason.SyncError, "sync stopped: " + e.getMessage(), Optional.empty(), none,
                    ChangeSet.planned(none), Optional.empty());
        }
    }

    private SyncOutcome reconcileRevision(RevisionTree snapshot, boolean manual) {
        Optional<String> rewritten;
        try {
            rewritten = manual ? Optional.empty()
                    : RewrittenHistory.check(snapshot.revision(), ports.inventories().read(app.name()).revision(), source);
        } catch (GitSourceException e) {
            return new SyncOutcome.FetchFailed(e.getMessage());
        }
        if (rewritten.isPresent()) {
            return new Rejected(snapshot.revision(), Reason.HistoryRewritten, rewritten.get());
        }
        if (manual) {
            held.release();
        } else if (held.holds(snapshot.revision().sha(), clock.instant())) {
            return new SyncOutcome.Held(snapshot.revision(), held.rolledBack());
        }
        SyncOutcome outcome = syncRevision(snapshot, clock.instant().plus(app.sync().timeout()), manual);
        if (outcome instanceof Failed f && f.reason() == Reason.HealthCheckFailed) {
            if (app.sync().rollbackOnFailure()) {
                outcome = rollback(f);
            }
            // not re-applied and re-awaited every interval: its health is followed from the watch (it may
            // still recover), and a new commit or a manual sync starts a new attempt
            held.failedHealthGate(snapshot.revision().sha(), outcome instanceof SyncOutcome.RolledBack);
        } else if (outcome instanceof Failed f && f.permanent()) {
            // refused for good (invalid, immutable): not re-sent every interval
            held.refused(snapshot.revision().sha(), clock.instant());
        }
        remember(outcome);
        return outcome;
    }

    /**
     * Render, validate, plan, dry-run, waves (apply, health gate), inventory, prune: one revision, start to end.
     *
     * @param manual asked for by a person: hooks run again even for a revision already synced
     */
    private SyncOutcome syncRevision(RevisionTree snapshot, Instant healthDeadline, boolean manual) {
        Revision revision = snapshot.revision();
        // render and validate against what this cluster serves
        DesiredState desired;
        try {
            desired = ports.render().render(app, snapshot);
        } catch (RenderException e) {
            boolean fileLevel = e.errors().stream().anyMatch(p -> p.object().isEmpty());
            return new Rejected(revision, fileLevel ? Reason.RenderFailed : Reason.ValidationFailed,
                    e.errors().stream().map(Problem::toString).collect(Collectors.joining("; ")));
        } catch (IllegalArgumentException e) {
            return new Rejected(revision, Reason.ValidationFailed, e.getMessage());
        }
        listener.rendered(desired.renderer());
        desired.warnings().forEach(w -> LOG.warn("app={} revision={}: {}", app.name(), revision, w));
        Inventory previous = ports.inventories().read(app.name());
        Optional<String> emptyRender = refuseEmptyRender(desired, previous);
        if (emptyRender.isPresent()) {
            return new Rejected(revision, Reason.ValidationFailed, emptyRender.get());
        }
        // hooks run for a new revision (or when asked): a resync of the same commit does not run them again
        boolean runHooks = manual || !previous.revision().equals(revision.sha());
        long liveChanges = ports.live().changes(QuietPass.namespaces(desired));
        Optional<Succeeded> same = runHooks ? Optional.empty() : quiet.reuse(desired, revision.sha(), previous, liveChanges);
        if (same.isPresent()) {
            return same.get();
        }
        List<DesiredObject> kept = Hooks.without(desired.objects());
        // plan against the live cache
        Plan plan = plan(runHooks ? desired.objects() : kept, previous);
        ChangeSet changes = ChangeSet.planned(plan);
        // dry-run the whole change set, then apply wave by wave, each gated on its health
        boolean unproven = !previous.healthyRevision().equals(revision.sha());
        // write-ahead, once the dry-run passed: what this sync may create is in the inventory before it exists, so
        // an agent killed between a create and the inventory write below cannot orphan it when Git drops it later
        Inventory intent = previous.withAll(kept);
        Runnable beforeApply = intent.entries().size() == previous.entries().size() ? () -> { } : () -> recordInventory(intent);
        WavesApplied waves = applyWaves(revision, plan, changes, unproven, healthDeadline, beforeApply);
        if (waves.failure().isPresent()) { // what it may have created is in the inventory already (beforeApply)
            hooks.runSyncFailed(plan, changes);
            return waves.failure().get();
        }
        // inventory: everything applied (hooks aside: never pruned as stale) plus what is still to prune,
        // so a crash here loses nothing
        List<PlanEntry> stale = plan.of(PlanEntry.Kind.PRUNE);
        recordInventory(Inventory.of(kept, stale, revision.sha(), previous.healthyRevision()));
        // prune what left Git, after the last wave
        List<PlanEntry> remaining = app.sync().prune() ? prune(stale, changes) : stale;
        if (remaining != stale) {
            recordInventory(Inventory.of(kept, remaining, revision.sha(), previous.healthyRevision()));
        }
        if (app.sync().prune() && !remaining.isEmpty()) {
            hooks.runSyncFailed(plan, changes);
            List<Change> failed = changes.of(Action.FAILED);
            return new Failed(revision, Reason.PruneFailed, failed.stream().map(Object::toString).collect(Collectors.joining("; ")),
                    failed.size() == 1 ? Optional.of(failed.get(0).ref()) : Optional.empty(), plan, changes, waves.lastReport());
        }
        // every wave passed its gate: this revision is healthy, a rollback may return to it
        recordInventory(Inventory.of(kept, remaining, revision.sha(), revision.sha()));
        HealthReport health = ports.health().assess(healthTargets(plan));
        Succeeded succeeded = new Succeeded(revision, plan, changes, health, remaining.size());
        quiet.remember(desired, revision.sha(), ports.inventories().read(app.name()), liveChanges, succeeded);
        return succeeded;
    }

    /**
     * How the waves went: the last health report, the failure that stopped them (empty when
     * all passed), and whether any wave was sent (false when the dry-run refused the change set).
     */
    private record WavesApplied(Optional<HealthReport> lastReport, Optional<Failed> failure, boolean applied) {
    }

    /**
     * Dry-runs the whole change set (one invalid object and nothing is applied), then for
     * each wave: apply, then the health gate. Appends to {@code changes}; stops at the first
     * failure.
     *
     * @param unproven the revision has not been seen healthy: every gate waits, even with nothing to apply
     * @param beforeApply runs once the dry-run passed, before the first wave is sent
     */
    private WavesApplied applyWaves(Revision revision, Plan plan, ChangeSet changes, boolean unproven, Instant deadline,
                                    Runnable beforeApply) {
        DryRun dryRun;
        try {
            dryRun = ports.apply().dryRun(app.name(), plan, app.sync().recreate());
        } catch (ApplyException e) {
            changes.addAll(e.changes());
            return new WavesApplied(Optional.empty(), Optional.of(applyFailed(revision, plan, changes, e, Optional.empty())), false);
        }
        beforeApply.run();
        boolean changedSoFar = false;
        Map<ObjectRef, AppliedVersion> applied = new HashMap<>();
        Optional<HealthReport> lastReport = Optional.empty();
        for (Wave wave : Wave.of(plan)) {
            try {
                WaveResult result = ports.apply().applyWave(app.name(), wave, dryRun);
                changes.addAll(result.changes());
                applied.putAll(result.applied());
                changedSoFar |= result.changedAnything();
            } catch (ApplyException e) {
                changes.addAll(e.changes());
                return new WavesApplied(lastReport, Optional.of(applyFailed(revision, plan, changes, e, lastReport)), true);
            }
            HealthGate.Verdict verdict = gate.check(wave, changedSoFar || unproven, applied, deadline);
            lastReport = Optional.of(verdict.report());
            hooks.deleteDone(wave, verdict.failure().isPresent() ? Hooks.DeletePolicy.HOOK_FAILED
                    : Hooks.DeletePolicy.HOOK_SUCCEEDED, changes);
            if (verdict.failure().isPresent()) {
                return new WavesApplied(lastReport, Optional.of(new Failed(revision, Reason.HealthCheckFailed, verdict.failure().get(),
                        Optional.empty(), plan, changes, lastReport)), true);
            }
        }
        return new WavesApplied(lastReport, Optional.empty(), true);
    }

    private static Failed applyFailed(Revision revision, Plan plan, ChangeSet changes, ApplyException e,
                                      Optional<HealthReport> lastReport) {
        return new Failed(revision, Reason.ApplyFailed, e.getMessage(), e.object(), plan, changes, lastReport, e.permanent());
    }

    /** Deletes what left Git; returns the stale entries still there (their delete failed), to keep and retry. */
    private List<PlanEntry> prune(List<PlanEntry> stale, ChangeSet changes) {
        if (stale.isEmpty()) {
            return stale;
        }
        ChangeSet pruned = ports.prune().prune(app.name(), stale);
        changes.addAll(pruned);
        return stillThere(stale, pruned);
    }

    /** An empty render where objects were applied before is almost always a mistake (a wrong path): never prune them all. */
    private Optional<String> refuseEmptyRender(DesiredState desired, Inventory previous) {
        if (desired.objects().isEmpty() && !previous.entries().isEmpty() && !app.sync().allowEmpty()) {
            return Optional.of("the render is empty but " + previous.entries().size() + " objects were applied before; "
                    + "refusing to prune them all (set sync.allowEmpty: true to allow it)");
        }
        return Optional.empty();
    }

    private Plan plan(List<DesiredObject> desired, Inventory previous) {
        for (DesiredObject d : desired) {
            ports.live().watch(d.apiVersion(), d.ref().kind());
        }
        return Planner.plan(app.name(), desired, ports.live()::find, previous);
    }

    /** Re-applies the last healthy revision after {@code failed} failed its health gate. */
    private SyncOutcome rollback(Failed failed) {
        Revision bad = failed.revision();
        String healthy = ports.inventories().read(app.name()).healthyRevision();
        if (healthy.isEmpty() || healthy.equals(bad.sha())) {
            return withMessage(failed, failed.message() + "; no earlier healthy revision to roll back to");
        }
        RevisionTree target;
        try {
            target = source.snapshotAt(healthy);
        } catch (GitSourceException e) {
            listener.rollbackFinished(false);
            return withMessage(failed, failed.message() + "; rollback failed: " + e.getMessage());
        }
        LOG.warn("app={} revision={} failed its health gate; rolling back to {}", app.name(), bad, target.revision());
        SyncOutcome back = syncRevision(target, clock.instant().plus(app.sync().timeout()), false);
        listener.rollbackFinished(back instanceof Succeeded);
        Revision to = target.revision();
        String prefix = "revision " + bad.shortSha() + " failed: " + failed.message() + "; ";
        ChangeSet changes = new ChangeSet();
        changes.addAll(failed.changes());
        if (back instanceof Succeeded s) {
            changes.addAll(s.changes());
            return new SyncOutcome.RolledBack(bad, to, prefix + "rolled back to " + to.shortSha() + " \"" + to.subject() + "\"",
                    s.plan(), changes, s.health(), s.unpruned());
        }
        if (back instanceof Failed f) {
            changes.addAll(f.changes());
            return new Failed(bad, Reason.HealthCheckFailed, prefix + "rollback to " + to.shortSha() + " failed: " + f.message(),
                    f.object(), f.plan(), changes, f.health());
        }
        return withMessage(failed, prefix + "rollback to " + to.shortSha() + " failed: " + describe(back));
    }

    private static Failed withMessage(Failed f, String message) {
        return new Failed(f.revision(), f.reason(), message, f.object(), f.plan(), f.changes(), f.health());
    }

    private static String describe(SyncOutcome o) {
        if (o instanceof Rejected r) {
            return r.reason() + ": " + r.message();
        }
        return o instanceof SyncOutcome.FetchFailed f ? f.message() : o.toString();
    }

    /** The objects the outcome's plan wanted, for self-heal until the next sync. */
    private void remember(SyncOutcome outcome) {
        outcome.planned().ifPresent(plan -> lastDesired = Hooks.without(plan.ownDesired()));
    }

    /**
     * Self-heal: re-applies the given objects as the last sync applied them, if they are
     * still drifted (dry-run first, as every apply; no health gate). Runs on the app's sync
     * loop, between syncs.
     *
     * @return what was re-applied (empty when nothing was still drifted, or when it failed)
     */
    public ChangeSet heal(Set<ObjectRef> refs) {
        List<PlanEntry> entries = Drifted.of(lastDesired, refs, ports.live(), app);
        ChangeSet changes = new ChangeSet();
        if (entries.isEmpty()) {
            return changes;
        }
        entries.forEach(e -> listener.healing(e.ref()));
        Plan plan = new Plan(entries);
        try {
            DryRun dryRun = ports.apply().dryRun(app.name(), plan, app.sync().recreate());
            for (Wave wave : Wave.of(plan)) {
                changes.addAll(ports.apply().applyWave(app.name(), wave, dryRun).changes());
            }
            LOG.info("app={}: self-heal re-applied {}", app.name(), changes.changes().stream().map(Object::toString)
                    .collect(Collectors.joining("; ")));
            return changes;
        } catch (ApplyException e) {
            LOG.warn("app={}: self-heal failed: {}", app.name(), e.getMessage());
            return new ChangeSet();
        }
    }

    /** What an app's health is judged on after a sync that planned {@code plan}: its own objects but the ignored ones. */
    public static List<dev.capstan.health.RolloutWaiter.Target> healthTargets(Plan plan) {
        return HealthGate.targets(plan.entries().stream().filter(e -> e.desired() == null || !Hooks.isHook(e.desired())).toList(),
                Map.of());
    }

    /** The one place the engine writes an app's inventory. */
    private void recordInventory(Inventory inventory) {
        ports.inventories().write(app.name(), inventory);
    }

    /** Stale entries the prune did not remove (it failed on them), to keep in the inventory and retry. */
    private static List<PlanEntry> stillThere(List<PlanEntry> stale, ChangeSet pruned) {
        Set<ObjectRef> failed = pruned.of(Action.FAILED).stream().map(Change::ref).collect(Collectors.toSet());
        return stale.stream().filter(e -> failed.contains(e.ref())).toList();
    }
}
