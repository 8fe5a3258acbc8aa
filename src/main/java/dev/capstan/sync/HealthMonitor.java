package dev.capstan.sync;

import dev.capstan.cluster.LiveCache;
import dev.capstan.health.HealthReport;
import dev.capstan.health.RolloutWaiter;
import dev.capstan.metrics.CapstanMetrics;
import dev.capstan.plan.ObjectRef;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps each application's health current between syncs: when the watch reports a change
 * to one of its objects (a pod crash-loops an hour after the rollout), the app's health is
 * re-assessed from the cache, debounced, and status and metrics follow. No API requests.
 */
final class HealthMonitor implements AutoCloseable {

    private static final long DEBOUNCE_MILLIS = 300;

    private record Watched(AppStatus status, List<RolloutWaiter.Target> targets, Set<ObjectRef> refs) {
    }

    private final RolloutWaiter waiter;
    private final CapstanMetrics metrics;
    private final LiveCache cache;
    private final Map<String, Watched> apps = new ConcurrentHashMap<>();
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "health-monitor");
        t.setDaemon(true);
        return t;
    });
    private final LiveCache.Listener listener = this::changed;

    HealthMonitor(LiveCache cache, RolloutWaiter waiter, CapstanMetrics metrics) {
        this.cache = cache;
        this.waiter = waiter;
        this.metrics = metrics;
        cache.addListener(listener);
    }

    /** After a sync: these are the app's objects now. */
    void track(AppStatus status, List<RolloutWaiter.Target> targets) {
        Set<ObjectRef> refs = ConcurrentHashMap.newKeySet();
        targets.forEach(t -> refs.add(t.ref()));
        apps.put(status.name(), new Watched(status, List.copyOf(targets), refs));
    }

    private void changed(String apiVersion, ObjectRef ref, boolean deleted) {
        for (Map.Entry<String, Watched> e : apps.entrySet()) {
            if (e.getValue().refs().contains(ref) && pending.add(e.getKey())) {
                timer.schedule(() -> reassess(e.getKey()), DEBOUNCE_MILLIS, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void reassess(String app) {
        pending.remove(app);
        Watched w = apps.get(app);
        if (w == null || w.status().phase() == Phase.Syncing) {
            return; // the sync in progress records health itself
        }
        HealthReport report = waiter.assess(w.targets());
        w.status().health(report);
        metrics.appHealth(app, report.worst().name());
        metrics.objectHealth(app, report.objects());
        metrics.appInfo(app, w.status().revision() == null ? "" : w.status().revision().shortSha(),
                w.status().syncStatus().name(), report.worst().name());
    }

    @Override
    public void close() {
        cache.removeListener(listener);
        timer.shutdownNow();
    }
}
