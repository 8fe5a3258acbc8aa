package dev.capstan.health;

import dev.capstan.health.AppliedVersion;
import dev.capstan.cluster.LiveCache;
import dev.capstan.plan.ObjectRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Waits until objects are Healthy, woken by the live cache's watch events (no polling
 * loop per object): every change to one of them re-assesses the set. Ends as soon as all
 * are Healthy (or Suspended), when one has stayed Degraded for the settle time, or at the
 * deadline. The settle time absorbs conditions that lag a change: a Deployment rolled
 * back to a ReplicaSet that is already available keeps its old ProgressDeadlineExceeded
 * until the controller's next pass.
 *
 * <p>A workload this sync changed must then stay healthy for {@code stableFor}, its pods
 * Ready and none restarted: on a real kubelet a revision whose liveness probe fails has
 * both pods Ready for the seconds before the first probe failure, and was recorded as the
 * last healthy revision (so a later rollback went back to it).
 */
public final class RolloutWaiter {

    private static final Duration DEFAULT_SETTLE = Duration.ofSeconds(5);

    /**
     * An object to wait for, addressed by the apiVersion it was applied with.
     *
     * @param applied the version our apply produced (null when not applied by this sync)
     */
    public record Target(String apiVersion, ObjectRef ref, AppliedVersion applied) {
        public Target(String apiVersion, ObjectRef ref) {
            this(apiVersion, ref, null);
        }
    }

    private final LiveCache cache;
    private final Duration settle;

    public RolloutWaiter(LiveCache cache) {
        this(cache, DEFAULT_SETTLE);
    }

    public RolloutWaiter(LiveCache cache, Duration settle) {
        this.cache = cache;
        this.settle = settle;
    }

    /** The current health of the targets from the cache, without waiting. */
    public HealthReport assess(List<Target> targets) {
        List<ObjectHealth> out = new ArrayList<>();
        for (Target t : targets) {
            out.add(assess(t));
        }
        return new HealthReport(out, false);
    }

    private ObjectHealth assess(Target t) {
        return assess(t, null);
    }

    /** @param restartsBefore see {@link WorkloadPods#judge}: null when nobody waits */
    private ObjectHealth assess(Target t, Map<String, Long> restartsBefore) {
        return new ObjectHealth(t.ref(), cache.find(t.apiVersion(), t.ref())
                .map(live -> t.applied() != null && !t.applied().seenIn(live)
                        ? Health.progressing("waiting for the watch to observe the applied change")
                        : withPods(t, live, HealthChecks.assess(live), restartsBefore))
                .orElse(Health.missing("not found in the cluster")));
    }

    /**
     * A rolling-out workload is judged by its pods too (see {@link WorkloadPods}, which decides when); their informer
     * starts on first need, so nothing is watched for a health that no pod could change.
     */
    private Health withPods(Target t, Map<String, Object> live, Health own, Map<String, Long> restartsBefore) {
        if (!WorkloadPods.judges(own, restartsBefore) || !WorkloadPods.applies(t.ref())) {
            return own;
        }
        return WorkloadPods.selector(live)
                .map(selector -> WorkloadPods.judge(own, live, cache.pods(t.ref().namespace(), selector),
                        "Deployment".equals(t.ref().kind()) ? cache.replicaSets(t.ref().namespace(), selector) : List.of(),
                        restartsBefore))
                .orElse(own);
    }

    /** Container restarts of the workloads' pods now: a restart after this counts against the rollout. */
    private Map<String, Long> restarts(List<Target> targets) {
        Map<String, Long> out = new HashMap<>();
        for (Target t : targets) {
            if (WorkloadPods.applies(t.ref())) {
                cache.find(t.apiVersion(), t.ref()).flatMap(WorkloadPods::selector)
                        .ifPresent(selector -> out.putAll(WorkloadPods.restarts(cache.pods(t.ref().namespace(), selector))));
            }
        }
        return out;
    }

    /** How often a wait reports its progress when no watch event arrives, so "time left" stays true. */
    private static final long PROGRESS_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

    /**
     * Waits as the class says. Each watch event re-assesses only the object it is about, not
     * the whole set. {@code progress} gets the current report after every change, and at
     * least every 5 s while nothing changes (never the final one: that is returned).
     */
    public HealthReport await(List<Target> targets, Duration timeout, java.util.function.Consumer<HealthReport> progress)
            throws InterruptedException {
        return await(targets, timeout, Duration.ZERO, progress);
    }

    /**
     * @param stableFor how long the workloads this sync applied must stay healthy before the wait ends healthy (cut
     *        short by {@code timeout}); a pod restart in that time fails them
     */
    public HealthReport await(List<Target> targets, Duration timeout, Duration stableFor,
                              java.util.function.Consumer<HealthReport> progress) throws InterruptedException {
        Map<ObjectRef, Integer> index = new HashMap<>();
        for (int i = 0; i < targets.size(); i++) {
            index.put(targets.get(i).ref(), i);
            cache.watch(targets.get(i).apiVersion(), targets.get(i).ref().kind());
        }
        Set<ObjectRef> changed = ConcurrentHashMap.newKeySet();
        Semaphore wake = new Semaphore(0);
        LiveCache.Listener listener = (apiVersion, ref, deleted) -> {
            if (index.containsKey(ref)) {
                changed.add(ref);
                wake.release();
            } else if (ref.group().isEmpty() && ref.kind().equals("Pod")) {
                // a pod changed: the workloads of its namespace may now be judged Degraded by it
                for (Target t : targets) {
                    if (WorkloadPods.applies(t.ref()) && t.ref().namespace().equals(ref.namespace())) {
                        changed.add(t.ref());
                        wake.release();
                    }
                }
            }
        };
        cache.addListener(listener);
        try {
            Map<String, Long> restartsBefore = restarts(targets);
            List<ObjectHealth> current = new ArrayList<>();
            for (Target t : targets) {
                current.add(assess(t, restartsBefore));
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            boolean mustStay = stableFor.toNanos() > 0 && targets.stream().anyMatch(t -> t.applied() != null && WorkloadPods.applies(t.ref()));
            long degradedSince = -1;
            long healthySince = -1;
            while (true) {
                wake.drainPermits();
                for (ObjectRef ref : List.copyOf(changed)) {
                    changed.remove(ref);
                    int i = index.get(ref);
                    current.set(i, assess(targets.get(i), restartsBefore));
                }
                HealthReport report = new HealthReport(current, false);
                long now = System.nanoTime();
                if (report.done()) {
                    healthySince = healthySince < 0 ? now : healthySince;
                    long stayedFor = now - healthySince;
                    if (!mustStay || stayedFor >= stableFor.toNanos() || now >= deadline) {
                        return report;
                    }
                    progress.accept(staying(report, targets, Duration.ofNanos(stayedFor), stableFor));
                    long wait = Math.min(deadline, healthySince + stableFor.toNanos()) - now;
                    wake.tryAcquire(Math.max(Math.min(wait, PROGRESS_EVERY_NANOS), 1), TimeUnit.NANOSECONDS);
                    continue;
                }
                healthySince = -1;
                if (report.worst() == HealthStatus.Degraded) {
                    degradedSince = degradedSince < 0 ? now : degradedSince;
                    if (now - degradedSince >= settle.toNanos()) {
                        return report;
                    }
                } else {
                    degradedSince = -1;
                }
                long left = deadline - now;
                if (left <= 0) {
                    return new HealthReport(report.objects(), true);
                }
                progress.accept(report);
                long wait = degradedSince < 0 ? left : Math.min(left, degradedSince + settle.toNanos() - now);
                wake.tryAcquire(Math.max(Math.min(wait, PROGRESS_EVERY_NANOS), 1), TimeUnit.NANOSECONDS);
            }
        } finally {
            cache.removeListener(listener);
        }
    }

    /** The report shown while healthy workloads must stay so: each says how long it has been, of how long. */
    private static HealthReport staying(HealthReport report, List<Target> targets, Duration stayed, Duration stableFor) {
        List<ObjectHealth> shown = new ArrayList<>();
        for (int i = 0; i < report.objects().size(); i++) {
            ObjectHealth o = report.objects().get(i);
            Target t = targets.get(i);
            shown.add(t.applied() != null && WorkloadPods.applies(t.ref()) && o.health().status() == HealthStatus.Healthy
                    ? new ObjectHealth(o.ref(), Health.progressing(o.health().message() + "; healthy for "
                            + stayed.toSeconds() + "s of the " + stableFor.toSeconds() + "s it must stay so (sync.stableFor)"))
                    : o);
        }
        return new HealthReport(shown, false);
    }
}
