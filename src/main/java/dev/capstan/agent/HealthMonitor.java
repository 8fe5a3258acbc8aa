package dev.capstan.agent;

import dev.capstan.cluster.LiveCache;
import dev.capstan.health.RolloutWaiter;
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
 * re-assessed from the cache, debounced, and published to the {@link StatusRecorder}. No
 * API requests.
 */
final class HealthMonitor implements AutoCloseable {

    private static final long DEBOUNCE_MILLIS = 300;

    private record Watched(List<RolloutWaiter.Target> targets, Set<ObjectRef> refs) {
    }

    private final RolloutWaiter waiter;
    private final StatusRecorder recorder;
    private final LiveCache cache;
    private final Map<String, Watched> apps = new ConcurrentHashMap<>();
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "health-monitor");
        t.setDaemon(true);
        return t;
    });
    private final LiveCache.Listener listener = this::changed;

    HealthMonitor(LiveCache cache, RolloutWaiter waiter, StatusRecorder recorder) {
        this.cache = cache;
        this.waiter = waiter;
        this.recorder = recorder;
        cache.addListener(listener);
    }

    /** After a sync: these are the app's objects now. */
    void track(String app, List<RolloutWaiter.Target> targets) {
        Set<ObjectRef> refs = ConcurrentHashMap.newKeySet();
        targets.forEach(t -> refs.add(t.ref()));
        apps.put(app, new Watched(List.copyOf(targets), refs));
    }

    /** The app was removed: its objects are no longer followed. */
    void untrack(String app) {
        apps.remove(app);
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
        if (w == null || recorder.syncing(app)) {
            return; // the sync in progress records health itself
        }
        recorder.health(app, waiter.assess(w.targets()));
    }

    @Override
    public void close() {
        cache.removeListener(listener);
        timer.shutdownNow();
    }
}
