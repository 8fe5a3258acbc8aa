package dev.capstan.agent;

import dev.capstan.engine.Reconciler;
import dev.capstan.engine.SyncOutcome;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One application's sync loop on its own thread: a reconcile every interval, at once on
 * {@link #trigger()}, and after a failure again with exponential backoff (5s doubling,
 * capped at the interval). A failing or slow app never holds up the others.
 */
final class AppRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AppRunner.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(5);

    private final String name;
    private final Reconciler reconciler;
    private final StatusRecorder recorder;
    private final Duration interval;
    /** When the oldest pending sync request came ({@link System#nanoTime()}), 0 when none: requests merge. */
    private final java.util.concurrent.atomic.AtomicLong askedAt = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean manualAsked = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.Set<dev.capstan.plan.ObjectRef> heals = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.Semaphore wake = new java.util.concurrent.Semaphore(0);
    private final Thread thread;
    private volatile boolean running = true;
    private int failures;

    AppRunner(Reconciler reconciler, StatusRecorder recorder, Duration interval) {
        this.name = reconciler.app();
        this.reconciler = reconciler;
        this.recorder = recorder;
        this.interval = interval;
        this.thread = new Thread(this::loop, "sync-" + name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Asks for a reconcile now; a trigger while one is already pending is merged into it (as
     * a manual one when either was).
     *
     * @param manual asked for by a person rather than by a push
     */
    void trigger(boolean manual) {
        if (manual) {
            manualAsked.set(true);
        }
        long now = System.nanoTime();
        askedAt.compareAndSet(0, now == 0 ? 1 : now);
        wake.release();
    }

    /** Asks for one drifted object to be re-applied (self-heal), between full reconciles. */
    void heal(dev.capstan.plan.ObjectRef ref) {
        heals.add(ref);
        wake.release();
    }

    private void loop() {
        long asked = 0;
        while (running) {
            try {
                heals.clear(); // a full reconcile re-applies whatever drifted
                SyncOutcome outcome = reconciler.reconcile(asked != 0 && manualAsked.getAndSet(false), asked);
                recorder.finished(name, outcome);
                failures = outcome.succeeded() ? 0 : failures + 1;
            } catch (RuntimeException e) {
                failures++;
                LOG.error("app={}: reconcile crashed: {}", name, e.toString());
            }
            try {
                asked = waitForNext();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Serves self-heal requests until the next reconcile is due; returns when it was asked for, 0 when it is just due. */
    private long waitForNext() throws InterruptedException {
        long due = System.nanoTime() + nextDelay().toNanos();
        while (true) {
            long asked = askedAt.getAndSet(0);
            if (asked != 0) {
                return asked;
            }
            if (!heals.isEmpty()) {
                java.util.Set<dev.capstan.plan.ObjectRef> batch = new java.util.HashSet<>(heals);
                heals.removeAll(batch);
                try {
                    recorder.healed(name, reconciler.heal(batch));
                } catch (RuntimeException e) {
                    LOG.error("app={}: self-heal crashed: {}", name, e.toString());
                }
                continue;
            }
            long left = due - System.nanoTime();
            if (left <= 0) {
                return 0;
            }
            wake.tryAcquire(left, TimeUnit.NANOSECONDS);
        }
    }

    Duration nextDelay() {
        if (failures == 0) {
            return interval;
        }
        Duration backoff = FIRST_BACKOFF.multipliedBy(1L << Math.min(failures - 1, 10));
        return backoff.compareTo(interval) < 0 ? backoff : interval;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
