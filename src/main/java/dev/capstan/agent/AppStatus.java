package dev.capstan.agent;

import dev.capstan.apply.ChangeSet;
import dev.capstan.config.ApplicationSpec;
import dev.capstan.engine.Reason;
import dev.capstan.health.HealthReport;
import dev.capstan.health.HealthStatus;
import dev.capstan.health.ObjectHealth;
import dev.capstan.source.Revision;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live status of one application, written only by the {@link StatusRecorder} and
 * read by the HTTP API through {@link dev.capstan.http.ApplicationView}. Synchronized: one
 * writer, many readers. {@link #toJson()} is what
 * {@code GET /api/v1/applications/{name}} returns.
 */
public final class AppStatus implements dev.capstan.http.ApplicationView {

    private static final int HISTORY = 10;

    private ApplicationSpec spec;
    /** {@code namespace/name} of the Application resource it comes from; null for a config-file app. */
    private String resource;
    private final String replica;
    /** The replica that owns the app, as this replica sees it (sharding); null: not known. */
    private String owner;
    private Revision revision;
    private dev.capstan.render.RenderKind render;
    private Revision lastSynced;
    private Phase phase = Phase.Idle;
    private Reason reason;
    private String message = "";
    private ChangeSet changes = new ChangeSet();
    private Instant startedAt;
    private Duration lastDuration;
    private final Deque<SyncRecord> history = new ArrayDeque<>();
    private HealthStatus health = HealthStatus.Unknown;
    private Map<String, dev.capstan.plan.DriftReport> drift = new java.util.TreeMap<>();
    private Instant lastDriftAt;
    /** What the last sync left (conflicts and unpruned objects count as out of sync); drift adds to it. */
    private SyncResult base = new SyncResult(Phase.Idle, null, "", null, SyncStatus.Unknown, 0, 0, 0, Duration.ZERO, null, null);
    private List<ObjectHealth> objects = List.of();

    public AppStatus(ApplicationSpec spec) {
        this(spec, null);
    }

    /** @param replica this agent replica: recorded with each sync */
    public AppStatus(ApplicationSpec spec, String replica) {
        this.spec = spec;
        this.replica = replica;
    }

    /** Which replica owns the app now. */
    public synchronized void owner(String replicaId) {
        owner = replicaId;
    }

    @Override
    public String name() {
        return spec.name();
    }

    public synchronized ApplicationSpec spec() {
        return spec;
    }

    /** The app's definition changed (an edited Application): same history, new settings. */
    public synchronized void respec(ApplicationSpec newSpec, String fromResource) {
        spec = newSpec;
        resource = fromResource;
    }

    public synchronized void syncing(Instant now) {
        phase = Phase.Syncing;
        startedAt = now;
    }

    /** A sync waiting on health: what it waits for, as the message, and the objects' health as it is now. */
    public synchronized void waiting(String waitingFor, HealthReport report) {
        message = waitingFor;
        health(report);
    }

    /** A reconcile that decided to do nothing: back to {@code phase}, no history entry. */
    public synchronized void resume(Phase p) {
        phase = p;
    }

    /** How the app's path renders; shown once a render succeeded. */
    public synchronized void rendered(dev.capstan.render.RenderKind kind) {
        render = kind;
    }

    public synchronized void revision(Revision r) {
        revision = r;
    }

    /** A sync ended: its outcome, objects by state, health, and a history entry. */
    public synchronized void finished(SyncResult r) {
        base = r;
        phase = r.phase();
        reason = r.reason();
        message = r.message() == null ? "" : r.message();
        if (r.changes() != null) {
            changes = r.changes();
        }
        lastDuration = r.took();
        if (r.synced() != null) {
            lastSynced = r.synced();
        }
        if (r.health() != null) {
            health(r.health());
        }
        history.addFirst(new SyncRecord(revision, startedAt, r.took(), r.phase(), r.reason(), message,
                r.changes() == null ? "" : r.changes().summary(), replica));
        while (history.size() > HISTORY) {
            history.removeLast();
        }
    }

    /** The objects' health as last assessed (after a sync, or when one of them changed). */
    public synchronized void health(HealthReport report) {
        health = report.worst();
        objects = report.objects();
    }

    /**
     * Drift seen by the watch since the last sync: the object's report (in sync once it is
     * back). Sync status and object counts are the last sync's plus this drift.
     *
     * @return whether the object was drifted before this report
     */
    public synchronized boolean drift(dev.capstan.plan.DriftReport report, Instant now) {
        String key = report.ref().toString();
        boolean was = drift.containsKey(key);
        if (report.inSync()) {
            drift.remove(key);
        } else {
            if (!was) {
                lastDriftAt = now;
            }
            drift.put(key, report);
        }
        return was;
    }

    private long missingDrift() {
        return drift.values().stream().filter(dev.capstan.plan.DriftReport::missing).count();
    }

    /** A sync starts from what it applies: drift seen before it is resolved or re-detected afterwards. */
    public synchronized void clearDrift() {
        drift = new java.util.TreeMap<>();
    }

    public synchronized Instant lastDriftAt() {
        return lastDriftAt;
    }

    public synchronized long inSync() {
        return Math.max(0, base.inSync() - drift.size());
    }

    public synchronized long outOfSync() {
        return base.outOfSync() + drift.size() - missingDrift();
    }

    public synchronized long missing() {
        return base.missing() + missingDrift();
    }

    public synchronized HealthStatus healthStatus() {
        return health;
    }

    public synchronized SyncStatus syncStatus() {
        return drift.isEmpty() ? base.sync() : SyncStatus.OutOfSync;
    }

    public synchronized Phase phase() {
        return phase;
    }

    public synchronized Reason reason() {
        return reason;
    }

    public synchronized String message() {
        return message;
    }

    public synchronized Revision revision() {
        return revision;
    }

    public synchronized Revision lastSynced() {
        return lastSynced;
    }

    public synchronized int historySize() {
        return history.size();
    }

    /**
     * The status without its per-object lists (changes, objects, drift, history): what an
     * Application's {@code .status} is made of, cheap enough to build at every health or drift event.
     */
    public synchronized Map<String, Object> summary() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", spec.name());
        json.put("repo", Map.of("url", dev.capstan.config.Secrets.redactUrls(spec.repo().url()), "ref", spec.repo().ref(),
                "path", spec.repo().path()));
        json.put("destination", Map.of("namespace", spec.destination().namespace()));
        json.put("source", resource == null ? "config" : "Application " + resource);
        json.put("owner", owner);
        json.put("render", render == null ? null : render.label());
        json.put("revision", StatusJson.revision(revision));
        json.put("lastSyncedRevision", StatusJson.revision(lastSynced));
        json.put("syncStatus", syncStatus().name());
        json.put("healthStatus", health.name());
        json.put("phase", phase.name());
        json.put("reason", reason == null ? null : reason.name());
        json.put("message", message);
        json.put("resources", Map.of("inSync", inSync(), "outOfSync", outOfSync(), "missing", missing()));
        json.put("lastDriftAt", lastDriftAt == null ? null : lastDriftAt.toString());
        json.put("lastSyncStartedAt", startedAt == null ? null : startedAt.toString());
        json.put("lastSyncDurationSeconds", lastDuration == null ? null : lastDuration.toMillis() / 1000.0);
        return json;
    }

    @Override
    public synchronized Map<String, Object> toJson() {
        Map<String, Object> json = summary();
        json.put("changes", StatusJson.changes(changes));
        json.put("objects", StatusJson.objects(objects));
        json.put("drift", StatusJson.drift(drift.values()));
        json.put("history", StatusJson.history(history));
        return json;
    }
}
