package dev.capstan.sync;

import dev.capstan.apply.Action;
import dev.capstan.apply.ApplyException;
import dev.capstan.apply.Applier;
import dev.capstan.apply.ChangeSet;
import dev.capstan.apply.InventoryStore;
import dev.capstan.apply.Pruner;
import dev.capstan.cluster.DiscoveryCache;
import dev.capstan.cluster.LiveCache;
import dev.capstan.config.ApplicationSpec;
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
import dev.capstan.source.Snapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile of one application, top to bottom as in DESIGN.md: fetch, render,
 * validate, plan, apply, record inventory, prune, record status. Each failure ends the
 * pipeline with a {@link Reason} named for its step; nothing is pruned after a failure.
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

    /** The cluster-side collaborators, shared by every application. */
    public record Cluster(DiscoveryCache discovery, LiveCache cache, Applier applier, Pruner pruner, InventoryStore inventory) {
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

    /** Runs the pipeline once; returns whether it succeeded. Never throws for a failure of the app's own inputs. */
    public boolean reconcile() {
        Instant start = clock.instant();
        status.syncing(start);
        // fetch: one ls-remote; a fetch only when the commit is new
        Snapshot snapshot;
        try {
            snapshot = source.sync();
            status.revision(snapshot.revision());
        } catch (GitSourceException e) {
            return failed(start, Reason.FetchFailed, e.getMessage(), null, null);
        }
        // render and validate against what this cluster serves
        ManifestSet manifests;
        try {
            manifests = render(snapshot);
        } catch (RenderException e) {
            boolean fileLevel = e.errors().stream().anyMatch(p -> p.object().isEmpty());
            return failed(start, fileLevel ? Reason.RenderFailed : Reason.ValidationFailed,
                    e.errors().stream().map(Problem::toString).collect(Collectors.joining("; ")), null, null);
        }
        manifests.warnings().forEach(w -> LOG.warn("app={} revision={}: {}", app.name(), snapshot.revision(), w));
        List<DesiredObject> desired;
        try {
            desired = DesiredSet.of(app.name(), manifests);
        } catch (IllegalArgumentException e) {
            return failed(start, Reason.ValidationFailed, e.getMessage(), null, null);
        }
        Inventory previous = cluster.inventory().read(app.name());
        if (desired.isEmpty() && !previous.entries().isEmpty() && !app.sync().allowEmpty()) {
            return failed(start, Reason.ValidationFailed, "the render is empty but " + previous.entries().size()
                    + " objects were applied before; refusing to prune them all (set sync.allowEmpty: true to allow it)",
                    null, null);
        }
        // plan against the live cache
        Plan plan = plan(desired, previous);
        // apply: dry-run the change set, then stage one, then the rest
        ChangeSet changes;
        try {
            changes = cluster.applier().apply(app.name(), plan);
        } catch (ApplyException e) {
            return failed(start, Reason.ApplyFailed, e.getMessage(), e.changes(), plan);
        }
        // inventory: everything applied plus what is still to prune, so a crash here loses nothing
        cluster.inventory().write(app.name(), inventory(desired, plan.of(PlanEntry.Kind.PRUNE), snapshot));
        // prune what left Git
        List<PlanEntry> stale = plan.of(PlanEntry.Kind.PRUNE);
        List<PlanEntry> remaining = stale;
        if (app.sync().prune() && !stale.isEmpty()) {
            ChangeSet pruned = cluster.pruner().prune(app.name(), stale);
            changes.addAll(pruned);
            List<ObjectRef> failedRefs = pruned.of(Action.FAILED).stream().map(c -> c.ref()).toList();
            remaining = stale.stream().filter(e -> failedRefs.contains(e.ref())).toList();
            cluster.inventory().write(app.name(), inventory(desired, remaining, snapshot));
            if (!remaining.isEmpty()) {
                return failed(start, Reason.PruneFailed, pruned.of(Action.FAILED).stream().map(Object::toString)
                        .collect(Collectors.joining("; ")), changes, plan);
            }
        }
        return succeeded(start, changes, remaining, plan);
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

    private static Inventory inventory(List<DesiredObject> desired, List<PlanEntry> stillStale, Snapshot snapshot) {
        List<Inventory.Entry> entries = new ArrayList<>();
        desired.forEach(d -> entries.add(new Inventory.Entry(d.apiVersion(), d.ref())));
        stillStale.forEach(e -> entries.add(new Inventory.Entry(e.apiVersion(), e.ref())));
        return new Inventory(entries, snapshot.revision().sha());
    }

    private boolean succeeded(Instant start, ChangeSet changes, List<PlanEntry> unpruned, Plan plan) {
        Duration took = Duration.between(start, clock.instant());
        long conflicts = plan.count(PlanEntry.Kind.CONFLICT);
        long inSync = plan.entries().stream().filter(e -> e.desired() != null && e.kind() != PlanEntry.Kind.CONFLICT).count();
        long outOfSync = conflicts + unpruned.size();
        SyncStatus sync = outOfSync == 0 ? SyncStatus.Synced : SyncStatus.OutOfSync;
        String message = "synced " + status.revision() + ": " + changes.summary()
                + (unpruned.isEmpty() ? "" : "; " + unpruned.size() + " object(s) left Git but pruning is off");
        status.finished(Phase.Succeeded, null, message, changes, sync, inSync, outOfSync, 0, took);
        record("succeeded", took, changes, sync, true, inSync, outOfSync, 0);
        List<String> changed = changes.changes().stream().filter(c -> c.action() != Action.UNCHANGED)
                .map(Object::toString).limit(20).toList();
        if (changed.isEmpty()) {
            LOG.debug("app={} revision={}: {} in {} ms", app.name(), status.revision(), changes.summary(), took.toMillis());
        } else {
            LOG.info("app={} revision={} \"{}\": {} in {} ms: {}", app.name(), status.revision(), status.revision().subject(),
                    changes.summary(), took.toMillis(), String.join("; ", changed));
        }
        return true;
    }

    private boolean failed(Instant start, Reason reason, String message, ChangeSet changes, Plan plan) {
        Duration took = Duration.between(start, clock.instant());
        long inSync = plan == null ? 0 : plan.count(PlanEntry.Kind.UNCHANGED);
        long outOfSync = plan == null ? 0 : plan.count(PlanEntry.Kind.UPDATE) + plan.count(PlanEntry.Kind.CONFLICT)
                + plan.count(PlanEntry.Kind.PRUNE);
        long missing = plan == null ? 0 : plan.count(PlanEntry.Kind.CREATE);
        SyncStatus sync = plan == null ? SyncStatus.Unknown : plan.hasChanges() ? SyncStatus.OutOfSync : SyncStatus.Synced;
        status.finished(Phase.Failed, reason, message, changes, sync, inSync, outOfSync, missing, took);
        record("failed", took, changes, sync, plan != null, inSync, outOfSync, missing);
        LOG.warn("app={} revision={} {}: {}", app.name(), Optional.ofNullable(status.revision()).map(Object::toString).orElse("?"),
                reason, message);
        return false;
    }

    private void record(String result, Duration took, ChangeSet changes, SyncStatus sync, boolean planned, long inSync,
                        long outOfSync, long missing) {
        metrics.syncFinished(app.name(), result, took);
        if (planned) {
            metrics.resources(app.name(), inSync, outOfSync, missing);
        }
        if (changes != null) {
            changes.counts().forEach((action, n) -> {
                if (action != Action.UNCHANGED) {
                    metrics.applyChange(app.name(), action.label(), n);
                }
            });
        }
        metrics.appInfo(app.name(), status.revision() == null ? "" : status.revision().shortSha(), sync.name(), "Unknown");
    }
}
