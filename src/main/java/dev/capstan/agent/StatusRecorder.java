package dev.capstan.agent;

import dev.capstan.apply.Action;
import dev.capstan.apply.ChangeSet;
import dev.capstan.cluster.EventRecorder;
import dev.capstan.config.ApplicationSpec;
import dev.capstan.engine.Reconciler;
import dev.capstan.engine.SyncListener;
import dev.capstan.engine.SyncOutcome;
import dev.capstan.health.HealthReport;
import dev.capstan.health.HealthStatus;
import dev.capstan.health.ObjectHealth;
import dev.capstan.health.RolloutWaiter;
import dev.capstan.metrics.CapstanMetrics;
import dev.capstan.plan.DesiredObject;
import dev.capstan.plan.DriftReport;
import dev.capstan.plan.ObjectRef;
import dev.capstan.plan.Plan;
import dev.capstan.plan.PlanEntry;
import dev.capstan.source.Revision;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of what users see about an application: its status (and so its JSON),
 * its metrics, its Kubernetes Events and its log lines. Sync outcomes, sync progress,
 * drift reports and health changes all arrive here; nothing else writes status or
 * {@code capstan_app_info}, so they cannot disagree.
 */
final class StatusRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(StatusRecorder.class);
    /** A sync waiting on health is logged at most this often, not per watch event. */
    private static final Duration WAIT_LOG_EVERY = Duration.ofSeconds(30);
    private static final int WAIT_LISTED = 3;

    /** Who follows an app's objects between syncs (health monitor, drift detector): told before the status leaves Syncing. */
    interface Followers {
        void follow(ApplicationSpec app, List<RolloutWaiter.Target> targets, List<DesiredObject> desired);
    }

    private final Map<String, AppStatus> statuses = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final ResourceStatus resources;
    private final String replica;
    private final Map<String, Instant> started = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Instant> lastWaitLog = new java.util.concurrent.ConcurrentHashMap<>();
    private final CapstanMetrics metrics;
    private final EventRecorder events;
    private final Followers followers;
    private final Clock clock;

    StatusRecorder(CapstanMetrics metrics, EventRecorder events, ResourceStatus resources, Followers followers, Clock clock,
                   String replica) {
        this.replica = replica;
        this.resources = resources;
        this.metrics = metrics;
        this.events = events;
        this.followers = followers;
        this.clock = clock;
    }

    List<AppStatus> statuses() {
        synchronized (statuses) {
            return List.copyOf(statuses.values());
        }
    }

    /** A new app, or an app whose definition changed: its status (and history) carries on. */
    void register(ApplicationSpec spec, dev.capstan.resource.ApplicationRef resource) {
        String from = resource == null ? null : resource.namespace() + "/" + resource.name();
        statuses.computeIfAbsent(spec.name(), k -> new AppStatus(spec, replica)).respec(spec, from);
        resources.register(spec.name(), resource);
    }

    /** Who owns each app now (sharding: one replica per app; else the leader). */
    void owners(java.util.function.Function<String, String> ownerOf) {
        for (AppStatus s : statuses()) {
            s.owner(ownerOf.apply(s.name()));
        }
    }

    /** The app is gone: no status, no metrics series. */
    void remove(String app) {
        statuses.remove(app);
        started.remove(app);
        lastWaitLog.remove(app);
        resources.remove(app);
        metrics.removeApp(app);
    }

    /** Whether the app is mid-sync: its sync settles its objects itself, so drift and health events wait. */
    boolean syncing(String app) {
        AppStatus s = statuses.get(app);
        return s != null && s.phase() == Phase.Syncing;
    }

    /** The engine's progress reports for one app. */
    SyncListener listenerFor(String app, DriftDetector drift) {
        AppStatus status = statuses.get(app);
        return new SyncListener() {
            @Override
            public void started(Instant at) {
                started.put(app, at);
                status.syncing(at);
                resources.syncStarted(app, status);
            }

            @Override
            public void fetched(Revision revision) {
                status.revision(revision);
            }

            @Override
            public void rendered(dev.capstan.render.RenderKind kind) {
                status.rendered(kind);
            }

            @Override
            public void waiting(HealthReport report, Duration waited, Duration limit) {
                List<ObjectHealth> pending = report.objects().stream().filter(o -> o.health().status() != HealthStatus.Healthy
                        && o.health().status() != HealthStatus.Suspended).toList();
                String message = waitingMessage(pending, report.objects().size(), waited, limit);
                status.waiting(message, report);
                metrics.pendingObjects(app, pending.size());
                Instant now = clock.instant();
                Instant last = lastWaitLog.get(app);
                if (last == null || Duration.between(last, now).compareTo(WAIT_LOG_EVERY) >= 0) {
                    lastWaitLog.put(app, now);
                    LOG.info("app={}: {}", app, message);
                }
            }

            @Override
            public void healthWaited(Duration waited) {
                metrics.rollout(app, waited);
            }

            @Override
            public void rollbackFinished(boolean succeeded) {
                metrics.rollback(app, succeeded ? "succeeded" : "failed");
            }

            @Override
            public void healing(ObjectRef ref) {
                drift.healing(app, ref);
            }
        };
    }

    /** A sync ended: status, history, metrics and the log line, from its outcome. */
    void finished(String app, SyncOutcome outcome) {
        AppStatus status = statuses.get(app);
        if (status == null) {
            return; // removed while it synced
        }
        if (outcome instanceof SyncOutcome.Held held) {
            // this revision failed its gate before: waiting for a new commit or a manual sync
            status.resume(held.rolledBack() ? Phase.RolledBack : Phase.Failed);
            resources.synced(app, status, null);
            return;
        }
        Duration took = Duration.between(started.getOrDefault(app, clock.instant()), clock.instant());
        Optional<Plan> plan = outcome.planned();
        SyncResult result = result(status, outcome, plan, took);
        plan.ifPresent(p -> {
            // before the status leaves Syncing: a drift check must never compare against the previous desired state
            followers.follow(status.spec(), Reconciler.healthTargets(p), dev.capstan.plan.Hooks.without(p.ownDesired()));
            status.clearDrift();
        });
        status.finished(result);
        metrics.pendingObjects(app, 0);
        lastWaitLog.remove(app);
        boolean ok = outcome instanceof SyncOutcome.Succeeded;
        metrics.syncFinished(app, ok ? "succeeded" : "failed", took);
        plan.ifPresent(p -> metrics.resources(app, result.inSync(), result.outOfSync(), result.missing()));
        if (result.changes() != null) {
            result.changes().counts().forEach((action, n) -> {
                if (action != Action.UNCHANGED) {
                    metrics.applyChange(app, action.label(), n);
                }
            });
        }
        if (result.health() != null) {
            metrics.objectHealth(app, result.health().objects());
        }
        publishAppInfo(app, status);
        log(app, status, result, ok);
        resources.synced(app, status, result);
    }

    /** "waiting for 2 of 35 objects: Deployment/shop/web: 1 of 3 replicas available; ... (40s of 5m)" */
    static String waitingMessage(List<ObjectHealth> pending, int of, Duration waited, Duration limit) {
        String listed = pending.stream().limit(WAIT_LISTED).map(o -> o.ref() + ": " + o.health().message())
                .collect(java.util.stream.Collectors.joining("; "));
        String more = pending.size() > WAIT_LISTED ? "; and " + (pending.size() - WAIT_LISTED) + " more" : "";
        return "waiting for " + pending.size() + " of " + of + " objects: " + listed + more + " ("
                + dev.capstan.config.Durations.format(Duration.ofSeconds(waited.toSeconds())) + " of "
                + dev.capstan.config.Durations.format(limit) + ")";
    }

    /** Self-heal re-applied objects between syncs. */
    void healed(String app, ChangeSet changes) {
        changes.counts().forEach((action, n) -> metrics.applyChange(app, action.label(), n));
    }

    /**
     * The watch saw an object of the app change: its drift report (in sync again, or not).
     *
     * @return whether the object was drifted before this report
     */
    boolean drift(String app, String apiVersion, DriftReport report) {
        AppStatus status = statuses.get(app);
        if (status == null) {
            return false;
        }
        boolean was = status.drift(report, clock.instant());
        metrics.resources(app, status.inSync(), status.outOfSync(), status.missing());
        publishAppInfo(app, status);
        ObjectRef ref = report.ref();
        if (!report.inSync() && !was) {
            metrics.driftDetected(app, ref.kind());
            String what = report.missing() ? "deleted" : "changed " + String.join(", ", report.paths());
            LOG.warn("app={}: drift: {} {}", app, ref, what);
            events.record(apiVersion, ref, "Warning", "DriftDetected", "capstan app " + app + ": live object differs from Git: " + what);
            resources.event(app, "Warning", "DriftDetected", ref + " " + what);
        }
        resources.changed(app, status);
        return was;
    }

    /** A drifted object is back in sync through self-heal. */
    void corrected(String app, String apiVersion, ObjectRef ref) {
        metrics.driftCorrected(app, ref.kind());
        events.record(apiVersion, ref, "Normal", "DriftCorrected", "capstan app " + app + ": re-applied from Git");
        LOG.info("app={}: drift corrected: {}", app, ref);
    }

    /** Health re-assessed between syncs. */
    void health(String app, HealthReport report) {
        AppStatus status = statuses.get(app);
        if (status == null) {
            return;
        }
        status.health(report);
        metrics.objectHealth(app, report.objects());
        publishAppInfo(app, status);
        resources.changed(app, status);
    }

    private void publishAppInfo(String app, AppStatus status) {
        String health = status.healthStatus().name();
        metrics.appInfo(app, status.revision() == null ? "" : status.revision().shortSha(), status.syncStatus().name(), health);
        metrics.appHealth(app, health);
    }

    /** Objects by state, sync status and message: what the outcome means for status. */
    private static SyncResult result(AppStatus status, SyncOutcome outcome, Optional<Plan> planned, Duration took) {
        if (outcome instanceof SyncOutcome.Succeeded s) {
            long inSync = s.plan().entries().stream().filter(PlanEntry::isOwnDesired).count();
            long outOfSync = s.plan().count(PlanEntry.Kind.CONFLICT) + s.unpruned();
            String message = "synced " + s.revision() + ": " + s.changes().summary()
                    + (s.unpruned() == 0 ? "" : "; " + s.unpruned() + " object(s) left Git but pruning is off");
            return new SyncResult(Phase.Succeeded, null, message, s.changes(), outOfSync == 0 ? SyncStatus.Synced : SyncStatus.OutOfSync,
                    inSync, outOfSync, 0, took, s.health(), s.revision());
        }
        Plan plan = planned.orElse(null);
        long inSync = plan == null ? 0 : plan.count(PlanEntry.Kind.UNCHANGED);
        long outOfSync = plan == null ? 0 : plan.count(PlanEntry.Kind.UPDATE) + plan.count(PlanEntry.Kind.CONFLICT)
                + plan.count(PlanEntry.Kind.PRUNE);
        long missing = plan == null ? 0 : plan.count(PlanEntry.Kind.CREATE);
        SyncStatus sync = plan == null ? status.syncStatus() : plan.hasChanges() ? SyncStatus.OutOfSync : SyncStatus.Synced;
        if (outcome instanceof SyncOutcome.RolledBack r) {
            return new SyncResult(Phase.RolledBack, dev.capstan.engine.Reason.HealthCheckFailed, r.message(), r.changes(),
                    SyncStatus.OutOfSync, inSync, outOfSync, missing, took, r.health(), r.restored());
        }
        if (outcome instanceof SyncOutcome.Failed f) {
            return new SyncResult(Phase.Failed, f.reason(), f.message(), f.changes(), sync, inSync, outOfSync, missing, took,
                    f.health().orElse(null), null);
        }
        if (outcome instanceof SyncOutcome.Rejected r) {
            return new SyncResult(Phase.Failed, r.reason(), r.message(), null, sync, 0, 0, 0, took, null, null);
        }
        SyncOutcome.FetchFailed f = (SyncOutcome.FetchFailed) outcome;
        return new SyncResult(Phase.Failed, dev.capstan.engine.Reason.FetchFailed, f.message(), null, sync, 0, 0, 0, took, null, null);
    }

    private static void log(String app, AppStatus status, SyncResult r, boolean ok) {
        String revision = status.revision() == null ? "?" : status.revision().toString();
        if (!ok) {
            LOG.warn("app={} revision={} {} ({}): {}", app, revision, r.reason(), r.phase(), r.message());
            return;
        }
        List<String> changed = r.changes().changes().stream().filter(c -> c.action() != Action.UNCHANGED)
                .map(Object::toString).limit(20).toList();
        if (changed.isEmpty()) {
            LOG.debug("app={} revision={}: {} in {} ms", app, revision, r.changes().summary(), r.took().toMillis());
        } else {
            LOG.info("app={} revision={} \"{}\": {} in {} ms: {}", app, revision, status.revision().subject(),
                    r.changes().summary(), r.took().toMillis(), String.join("; ", changed));
        }
    }
}
