package dev.capstan.sync;

import dev.capstan.apply.Action;
import dev.capstan.apply.AppliedVersion;
import dev.capstan.apply.ApplyException;
import dev.capstan.apply.Applier;
import dev.capstan.apply.ChangeSet;
import dev.capstan.apply.InventoryStore;
import dev.capstan.apply.Pruner;
import dev.capstan.apply.WaveGate;
import dev.capstan.cluster.DiscoveryCache;
import dev.capstan.cluster.LiveCache;
import dev.capstan.config.ApplicationSpec;
import dev.capstan.config.Durations;
import dev.capstan.health.HealthReport;
import dev.capstan.health.RolloutWaiter;
import dev.capstan.metrics.CapstanMetrics;
import dev.capstan.plan.DesiredObject;
import dev.capstan.plan.Inventory;
import dev.capstan.plan.ObjectRef;
import dev.capstan.plan.Plan;
import dev.capstan.plan.PlanEntry;
import dev.capstan.plan.Planner;
import dev.capstan.render.KindScopes;
import dev.capstan.render.ManifestSet;
import dev.capstan.render.PlainRenderer;
import dev.capstan.render.Problem;
import dev.capstan.render.RemovedApis;
import dev.capstan.render.RenderException;
import dev.capstan.render.RenderOptions;
import dev.capstan.render.ServedApiPolicy;
import dev.capstan.source.GitSource;
import dev.capstan.source.GitSourceException;
import dev.capstan.source.Revision;
import dev.capstan.source.Snapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile of one application, top to bottom as in DESIGN.md: fetch, render,
 * validate, plan, apply wave by wave with a health gate after each, record inventory,
 * prune, and (opt-in) roll back to the last healthy revision when the health gate fails.
 * Each failure ends the pipeline with a {@link Reason} named for its step; nothing is
 * pruned after a failure.
 */
public final class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final ApplicationSpec app;
    private final GitSource source;
    private final Cluster cluster;
    private final RenderOptions renderOptions;
    private final AppStatus status;
    private final CapstanMetrics metrics;
    private final Clock clock;
    /** A revision that failed its health gate and was rolled back: not retried until a new commit or a manual sync. */
    private volatile String failedRevision;
    /** What the last sync that got as far as planning wanted, for self-heal. */
    private volatile List<DesiredObject> lastDesired = List.of();

    /** The cluster-side collaborators, shared by every application. */
    public record Cluster(DiscoveryCache discovery, LiveCache cache, Applier applier, Pruner pruner, InventoryStore inventory,
                          RolloutWaiter waiter, HealthMonitor monitor, DriftDetector drift) {
    }

    /** The outcome of syncing one revision; {@code reason} null on success. */
    private record Outcome(Reason reason, String message, ChangeSet changes, Plan plan, HealthReport health, long unpruned) {
        boolean ok() {
            return reason == null;
        }
    }

    public Reconciler(ApplicationSpec app, GitSource source, Cluster cluster, RenderOptions renderOptions, AppStatus status,
                      CapstanMetrics metrics, Clock clock) {
        this.app = app;
        this.source = source;
        this.cluster = cluster;
        this.renderOptions = renderOptions.withDefaultNamespace(app.destination().namespace());
        this.status = status;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** A scheduled reconcile. */
    public boolean reconcile() {
        return reconcile(false);
    }

    /**
     * Runs the pipeline once; returns whether it succeeded. Never throws for a failure of
     * the app's own inputs.
     *
     * @param manual asked for through the API: retries even a revision that was rolled back
     */
    public boolean reconcile(boolean manual) {
        Instant start = clock.instant();
        status.syncing(start);
        // fetch: one ls-remote; a fetch only when the commit is new
        Snapshot snapshot;
        try {
            snapshot = source.sync();
            status.revision(snapshot.revision());
        } catch (GitSourceException e) {
            return record(start, new Outcome(Reason.FetchFailed, e.getMessage(), null, null, null, 0), Phase.Failed, null);
        }
        String sha = snapshot.revision().sha();
        if (manual) {
            failedRevision = null;
        } else if (sha.equals(failedRevision)) {
            // rolled back from this revision: wait for a new commit (or a manual sync)
            status.resume(Phase.RolledBack);
            return true;
        }
        Outcome outcome = syncRevision(snapshot, clock.instant().plus(app.sync().timeout()));
        if (outcome.reason() == Reason.HealthCheckFailed && app.sync().rollbackOnFailure()) {
            return rollback(start, snapshot, outcome);
        }
        return record(start, outcome, outcome.ok() ? Phase.Succeeded : Phase.Failed, outcome.ok() ? snapshot.revision() : null);
    }

    /** Render, validate, plan, apply with health gates, inventory, prune: one revision, start to end. */
    private Outcome syncRevision(Snapshot snapshot, Instant healthDeadline) {
        // render and validate against what this cluster serves
        ManifestSet manifests;
        try {
            manifests = render(snapshot);
        } catch (RenderException e) {
            boolean fileLevel = e.errors().stream().anyMatch(p -> p.object().isEmpty());
            return new Outcome(fileLevel ? Reason.RenderFailed : Reason.ValidationFailed,
                    e.errors().stream().map(Problem::toString).collect(Collectors.joining("; ")), null, null, null, 0);
        }
        manifests.warnings().forEach(w -> LOG.warn("app={} revision={}: {}", app.name(), snapshot.revision(), w));
        List<DesiredObject> desired;
        try {
            desired = DesiredSet.of(app.name(), manifests);
        } catch (IllegalArgumentException e) {
            return new Outcome(Reason.ValidationFailed, e.getMessage(), null, null, null, 0);
        }
        Inventory previous = cluster.inventory().read(app.name());
        if (desired.isEmpty() && !previous.entries().isEmpty() && !app.sync().allowEmpty()) {
            return new Outcome(Reason.ValidationFailed, "the render is empty but " + previous.entries().size()
                    + " objects were applied before; refusing to prune them all (set sync.allowEmpty: true to allow it)",
                    null, null, null, 0);
        }
        // plan against the live cache
        Plan plan = plan(desired, previous);
        // apply wave by wave; after each wave, wait until it is healthy
        ChangeSet changes = new ChangeSet();
        List<HealthReport> reports = new ArrayList<>();
        try {
            // a revision that has not yet been seen healthy must prove it, even when nothing is left to apply
            boolean unproven = !previous.healthyRevision().equals(snapshot.revision().sha());
            cluster.applier().applyInto(app.name(), plan, healthGate(healthDeadline, reports, unproven), changes);
        } catch (ApplyException e) {
            cluster.inventory().write(app.name(), union(previous, desired));
            return new Outcome(Reason.ApplyFailed, e.getMessage(), changes, plan, last(reports), 0);
        } catch (WaveGate.GateFailure e) {
            cluster.inventory().write(app.name(), union(previous, desired));
            return new Outcome(Reason.HealthCheckFailed, e.getMessage(), changes, plan, (HealthReport) e.report(), 0);
        }
        // inventory: everything applied plus what is still to prune, so a crash here loses nothing
        List<PlanEntry> stale = plan.of(PlanEntry.Kind.PRUNE);
        cluster.inventory().write(app.name(), inventory(desired, stale, snapshot, previous.healthyRevision()));
        // prune what left Git, after the last wave
        List<PlanEntry> remaining = stale;
        if (app.sync().prune() && !stale.isEmpty()) {
            ChangeSet pruned = cluster.pruner().prune(app.name(), stale);
            changes.addAll(pruned);
            List<ObjectRef> failedRefs = pruned.of(Action.FAILED).stream().map(c -> c.ref()).toList();
            remaining = stale.stream().filter(e -> failedRefs.contains(e.ref())).toList();
            cluster.inventory().write(app.name(), inventory(desired, remaining, snapshot, previous.healthyRevision()));
            if (!remaining.isEmpty()) {
                return new Outcome(Reason.PruneFailed, pruned.of(Action.FAILED).stream().map(Object::toString)
                        .collect(Collectors.joining("; ")), changes, plan, last(reports), remaining.size());
            }
        }
        // every wave passed its gate: this revision is healthy, a rollback may return to it
        cluster.inventory().write(app.name(), inventory(desired, remaining, snapshot, snapshot.revision().sha()));
        HealthReport health = cluster.waiter().assess(targets(plan.entries(), Map.of()));
        return new Outcome(null, "", changes, plan, health, remaining.size());
    }

    /**
     * After each wave: wait (watch-driven) until its objects are healthy, if this sync
     * changed anything or the revision has not been healthy yet.
     */
    private WaveGate healthGate(Instant deadline, List<HealthReport> reports, boolean unproven) {
        return (wave, entries, changedSoFar, applied) -> {
            List<RolloutWaiter.Target> targets = targets(entries, applied);
            if (!changedSoFar && !unproven) {
                reports.add(cluster.waiter().assess(targets));
                return;
            }
            Instant started = clock.instant();
            HealthReport report;
            try {
                report = cluster.waiter().await(targets, Duration.between(started, deadline));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WaveGate.GateFailure("interrupted while waiting for health", cluster.waiter().assess(targets));
            } finally {
                metrics.rollout(app.name(), Duration.between(started, clock.instant()));
            }
            reports.add(report);
            if (!report.done()) {
                throw new WaveGate.GateFailure((report.timedOut() ? "not healthy within " + Durations.format(app.sync().timeout())
                        + " (sync.timeout)" : "rollout failed") + (wave != 0 ? " in wave " + wave : "") + ": "
                        + report.describeProblems(), report);
            }
        };
    }

    /** Re-applies the last healthy revision after {@code failed} failed its health gate. */
    private boolean rollback(Instant start, Snapshot failedSnapshot, Outcome failed) {
        Revision bad = failedSnapshot.revision();
        String healthy = cluster.inventory().read(app.name()).healthyRevision();
        if (healthy.isEmpty() || healthy.equals(bad.sha())) {
            return record(start, new Outcome(failed.reason(), failed.message() + "; no earlier healthy revision to roll back to",
                    failed.changes(), failed.plan(), failed.health(), 0), Phase.Failed, null);
        }
        failedRevision = bad.sha();
        Snapshot target;
        try {
            target = source.snapshotAt(healthy);
        } catch (GitSourceException e) {
            metrics.rollback(app.name(), "failed");
            return record(start, new Outcome(Reason.HealthCheckFailed, failed.message() + "; rollback failed: " + e.getMessage(),
                    failed.changes(), failed.plan(), failed.health(), 0), Phase.Failed, null);
        }
        LOG.warn("app={} revision={} failed its health gate; rolling back to {}", app.name(), bad, target.revision());
        Outcome back = syncRevision(target, clock.instant().plus(app.sync().timeout()));
        metrics.rollback(app.name(), back.ok() ? "succeeded" : "failed");
        String message = "revision " + bad.shortSha() + " failed: " + failed.message() + "; "
                + (back.ok() ? "rolled back to " + target.revision().shortSha() + " \"" + target.revision().subject() + "\""
                : "rollback to " + target.revision().shortSha() + " failed: " + back.message());
        ChangeSet changes = failed.changes() == null ? new ChangeSet() : failed.changes();
        if (back.changes() != null) {
            changes.addAll(back.changes());
        }
        Outcome recorded = new Outcome(Reason.HealthCheckFailed, message, changes, back.plan(), back.health(), back.unpruned());
        record(start, recorded, back.ok() ? Phase.RolledBack : Phase.Failed, back.ok() ? target.revision() : null);
        return false;
    }

    /**
     * Self-heal: re-applies the given objects as the last sync applied them, if they are
     * still drifted (dry-run first, as every apply). Runs on the app's sync loop.
     */
    public void heal(java.util.Set<ObjectRef> refs) {
        List<PlanEntry> entries = new ArrayList<>();
        for (DesiredObject d : lastDesired) {
            if (!refs.contains(d.ref())) {
                continue;
            }
            var live = cluster.cache().find(d.apiVersion(), d.ref());
            if (live.isEmpty()) {
                entries.add(new PlanEntry(PlanEntry.Kind.CREATE, d.ref(), d.apiVersion(), d, List.of(), ""));
            } else {
                List<String> paths = dev.capstan.plan.Diff.changedPaths(d.body(), live.get(), app.ignoredFor(d.ref()));
                if (!paths.isEmpty()) {
                    entries.add(new PlanEntry(PlanEntry.Kind.UPDATE, d.ref(), d.apiVersion(), d, paths, ""));
                }
            }
        }
        if (entries.isEmpty()) {
            return;
        }
        ChangeSet changes = new ChangeSet();
        // marked before applying: the watch event of our own apply can arrive before the call returns
        entries.forEach(e -> cluster.drift().healing(app.name(), e.ref()));
        try {
            cluster.applier().applyInto(app.name(), new Plan(entries), WaveGate.NONE, changes);
            changes.counts().forEach((action, n) -> metrics.applyChange(app.name(), action.label(), n));
            LOG.info("app={}: self-heal re-applied {}", app.name(), changes.changes().stream().map(Object::toString)
                    .collect(Collectors.joining("; ")));
        } catch (ApplyException | WaveGate.GateFailure e) {
            LOG.warn("app={}: self-heal failed: {}", app.name(), e.getMessage());
        }
    }

    private ManifestSet render(Snapshot snapshot) throws RenderException {
        var discovery = cluster.discovery().current();
        RenderOptions options = renderOptions
                .withApiPolicy(new ServedApiPolicy(RemovedApis.builtIn(), discovery::serves))
                .withScopes(discovery.or(KindScopes.BUILT_IN));
        return new PlainRenderer(options).render(snapshot, app.repo().path());
    }

    private Plan plan(List<DesiredObject> desired, Inventory previous) {
        for (DesiredObject d : desired) {
            cluster.cache().watch(d.apiVersion(), d.ref().kind());
        }
        return Planner.plan(app.name(), desired, cluster.cache()::find, previous);
    }

    /** What to judge the health of: the app's own desired objects, at the versions this sync applied (if any). */
    private static List<RolloutWaiter.Target> targets(List<PlanEntry> entries, Map<ObjectRef, AppliedVersion> applied) {
        return entries.stream().filter(PlanEntry::isOwnDesired)
                .map(e -> new RolloutWaiter.Target(e.apiVersion(), e.ref(), applied.get(e.ref()))).toList();
    }

    private static HealthReport last(List<HealthReport> reports) {
        return reports.isEmpty() ? null : reports.get(reports.size() - 1);
    }

    private static Inventory inventory(List<DesiredObject> desired, List<PlanEntry> stillStale, Snapshot snapshot, String healthy) {
        List<Inventory.Entry> entries = new ArrayList<>();
        desired.forEach(d -> entries.add(new Inventory.Entry(d.apiVersion(), d.ref())));
        stillStale.forEach(e -> entries.add(new Inventory.Entry(e.apiVersion(), e.ref())));
        return new Inventory(entries, snapshot.revision().sha(), healthy);
    }

    /** After a failed apply: whatever may now exist, so a later prune can still find it. */
    private static Inventory union(Inventory previous, List<DesiredObject> desired) {
        Map<ObjectRef, Inventory.Entry> all = new LinkedHashMap<>();
        previous.entries().forEach(e -> all.put(e.ref(), e));
        desired.forEach(d -> all.putIfAbsent(d.ref(), new Inventory.Entry(d.apiVersion(), d.ref())));
        return new Inventory(new ArrayList<>(all.values()), previous.revision(), previous.healthyRevision());
    }

    /** Status, metrics and the log line for one reconcile. */
    private boolean record(Instant start, Outcome o, Phase phase, Revision synced) {
        Duration took = Duration.between(start, clock.instant());
        Plan plan = o.plan();
        long inSync;
        long outOfSync;
        long missing;
        SyncStatus sync;
        if (o.ok()) {
            inSync = plan.entries().stream().filter(PlanEntry::isOwnDesired).count();
            outOfSync = plan.count(PlanEntry.Kind.CONFLICT) + o.unpruned();
            missing = 0;
            sync = outOfSync == 0 ? SyncStatus.Synced : SyncStatus.OutOfSync;
        } else {
            inSync = plan == null ? 0 : plan.count(PlanEntry.Kind.UNCHANGED);
            outOfSync = plan == null ? 0 : plan.count(PlanEntry.Kind.UPDATE) + plan.count(PlanEntry.Kind.CONFLICT)
                    + plan.count(PlanEntry.Kind.PRUNE);
            missing = plan == null ? 0 : plan.count(PlanEntry.Kind.CREATE);
            sync = phase == Phase.RolledBack ? SyncStatus.OutOfSync
                    : plan == null ? status.syncStatus() : plan.hasChanges() ? SyncStatus.OutOfSync : SyncStatus.Synced;
        }
        String message = o.ok() ? "synced " + status.revision() + ": " + o.changes().summary()
                + (o.unpruned() == 0 ? "" : "; " + o.unpruned() + " object(s) left Git but pruning is off") : o.message();
        if (plan != null) {
            // before the status leaves Syncing: a drift check must never compare against the previous desired state
            cluster.monitor().track(status, targets(plan.entries(), Map.of()));
            lastDesired = plan.entries().stream().filter(PlanEntry::isOwnDesired).map(PlanEntry::desired).toList();
            cluster.drift().track(app, status, lastDesired);
        }
        status.finished(new SyncResult(phase, o.reason(), message, o.changes(), sync, inSync, outOfSync, missing, took,
                o.health(), synced));
        metrics.syncFinished(app.name(), o.ok() ? "succeeded" : "failed", took);
        if (plan != null) {
            metrics.resources(app.name(), inSync, outOfSync, missing);
        }
        if (o.changes() != null) {
            o.changes().counts().forEach((action, n) -> {
                if (action != Action.UNCHANGED) {
                    metrics.applyChange(app.name(), action.label(), n);
                }
            });
        }
        String health = status.healthStatus().name();
        metrics.appInfo(app.name(), status.revision() == null ? "" : status.revision().shortSha(), sync.name(), health);
        metrics.appHealth(app.name(), health);
        if (o.health() != null) {
            metrics.objectHealth(app.name(), o.health().objects());
        }
        log(o, phase, took);
        return o.ok();
    }

    private void log(Outcome o, Phase phase, Duration took) {
        String revision = status.revision() == null ? "?" : status.revision().toString();
        if (!o.ok()) {
            LOG.warn("app={} revision={} {} ({}): {}", app.name(), revision, o.reason(), phase, o.message());
            return;
        }
        List<String> changed = o.changes().changes().stream().filter(c -> c.action() != Action.UNCHANGED)
                .map(Object::toString).limit(20).toList();
        if (changed.isEmpty()) {
            LOG.debug("app={} revision={}: {} in {} ms", app.name(), revision, o.changes().summary(), took.toMillis());
        } else {
            LOG.info("app={} revision={} \"{}\": {} in {} ms: {}", app.name(), revision, status.revision().subject(),
                    o.changes().summary(), took.toMillis(), String.join("; ", changed));
        }
    }
}
