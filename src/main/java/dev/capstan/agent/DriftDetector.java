package dev.capstan.agent;

import dev.capstan.cluster.LiveCache;
import dev.capstan.config.ApplicationSpec;
import dev.capstan.plan.DesiredObject;
import dev.capstan.plan.DriftReport;
import dev.capstan.plan.ObjectRef;
import dev.capstan.yaml.YamlWriter;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sees drift the moment it happens: every watch event on a managed object re-diffs that
 * object (debounced) against what the last sync applied and publishes the report to the
 * {@link StatusRecorder} (status, metrics and a Kubernetes Event follow there). With
 * self-heal on, a drifted object is handed to its app's sync loop to be re-applied, with
 * backoff when something keeps fighting it. No API request is made while nothing drifts.
 */
final class DriftDetector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DriftDetector.class);
    private static final long DEBOUNCE_MILLIS = 50;
    private static final long MAX_HEAL_DELAY_MILLIS = 5 * 60_000;
    /** Drift back within this time after a heal means something is fighting Capstan over the object. */
    private static final long FIGHT_WINDOW_MILLIS = 3_000;
    /** Heals allowed in a fight before backing off (1 s, doubling, at most 5 min). */
    private static final int FREE_HEALS = 3;
    private static final String SELF_HEAL = "capstan.dev/self-heal";

    private record Tracked(ApplicationSpec spec, Map<ObjectRef, DesiredObject> desired) {
    }

    /** Self-heal attempts of one object, for backoff. */
    private record Attempts(int count, long lastMillis) {
    }

    private final LiveCache cache;
    private final StatusRecorder recorder;
    private final BiConsumer<String, ObjectRef> heal;
    private final Clock clock;
    private final YamlWriter yaml = new YamlWriter();
    private final Map<String, Tracked> apps = new ConcurrentHashMap<>();
    private final Map<ObjectRef, Attempts> healing = new ConcurrentHashMap<>();
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "drift-detector");
        t.setDaemon(true);
        return t;
    });
    private final LiveCache.Listener listener = this::changed;

    /** @param heal asks the app's sync loop to re-apply one object (app name, ref) */
    DriftDetector(LiveCache cache, StatusRecorder recorder, BiConsumer<String, ObjectRef> heal, Clock clock) {
        this.cache = cache;
        this.recorder = recorder;
        this.heal = heal;
        this.clock = clock;
        cache.addListener(listener);
    }

    /** After a sync: the objects Git wants now; earlier drift is forgotten (the sync settled it). */
    void track(ApplicationSpec spec, List<DesiredObject> desired) {
        Map<ObjectRef, DesiredObject> byRef = new ConcurrentHashMap<>();
        desired.forEach(d -> byRef.put(d.ref(), d));
        apps.put(spec.name(), new Tracked(spec, byRef));
    }

    /** The app was removed: its objects are no longer compared with Git. */
    void untrack(String app) {
        apps.remove(app);
    }

    /** Self-heal is re-applying {@code ref}: the next in-sync observation counts as a correction. */
    void healing(String app, ObjectRef ref) {
        Attempts a = healing.get(ref);
        long now = clock.millis();
        healing.put(ref, a != null && now - a.lastMillis() < FIGHT_WINDOW_MILLIS ? new Attempts(a.count() + 1, now) : new Attempts(1, now));
    }

    private void changed(String apiVersion, ObjectRef ref, boolean deleted) {
        for (Tracked t : apps.values()) {
            if (t.desired().containsKey(ref) && pending.add(t.spec().name() + "|" + ref)) {
                timer.schedule(() -> safely(t.spec().name(), ref), DEBOUNCE_MILLIS, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void safely(String app, ObjectRef ref) {
        try {
            check(app, ref);
        } catch (RuntimeException e) {
            pending.remove(app + "|" + ref);
            LOG.error("app={}: drift check of {} failed: {}", app, ref, e.toString());
        }
    }

    private void check(String app, ObjectRef ref) {
        pending.remove(app + "|" + ref);
        Tracked t = apps.get(app);
        if (t == null || recorder.syncing(app) || !t.desired().containsKey(ref)) {
            return; // a sync in progress settles its objects itself, then tracks them again
        }
        DesiredObject d = t.desired().get(ref);
        DriftReport report = DriftReport.of(ref, d.body(), cache.find(d.apiVersion(), ref).orElse(null),
                t.spec().ignoredFor(ref), yaml::write);
        boolean was = recorder.drift(app, d.apiVersion(), report);
        if (report.inSync() && was && healing.containsKey(ref)) {
            recorder.corrected(app, d.apiVersion(), ref);
        }
        if (!report.inSync() && t.spec().sync().selfHeal() && !optedOut(d)) {
            Attempts a = healing.get(ref);
            boolean fighting = a != null && clock.millis() - a.lastMillis() < FIGHT_WINDOW_MILLIS && a.count() >= FREE_HEALS;
            long delay = fighting ? Math.min(MAX_HEAL_DELAY_MILLIS, 1000L << Math.min(a.count() - FREE_HEALS, 20)) : 0;
            if (fighting) {
                LOG.warn("app={}: {} keeps drifting right after being healed (something is fighting Capstan); next heal in {} ms",
                        app, ref, delay);
            }
            timer.schedule(() -> heal.accept(app, ref), delay, TimeUnit.MILLISECONDS);
        }
    }

    private static boolean optedOut(DesiredObject d) {
        return d.body().get("metadata") instanceof Map<?, ?> meta && meta.get("annotations") instanceof Map<?, ?> a
                && "disabled".equals(a.get(SELF_HEAL));
    }

    @Override
    public void close() {
        cache.removeListener(listener);
        timer.shutdownNow();
    }
}
