package dev.capstan.http;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * A token bucket per application for the sync API. A sync is a full pass (render, plan,
 * dry-runs, hooks), so a script or a stuck button that posts in a loop would otherwise
 * keep one app's API traffic at its maximum; a person clicking a few times is never held.
 * Pure: the clock is given.
 */
final class SyncRateLimit {

    private final int burst;
    private final long everyNanos;
    private final LongSupplier nanoTime;
    private final Map<String, long[]> buckets = new HashMap<>();

    SyncRateLimit(int burst, Duration every, LongSupplier nanoTime) {
        this.burst = burst;
        this.everyNanos = every.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Takes one sync of {@code app}: empty if allowed, else how long until the next is. */
    synchronized Optional<Duration> take(String app) {
        long now = nanoTime.getAsLong();
        // the bucket is the instant it was last full: tokens = elapsed / every, at most burst
        long[] fullAt = buckets.computeIfAbsent(app, k -> new long[] {now - burst * everyNanos});
        long earliest = now - burst * everyNanos;
        if (fullAt[0] < earliest) {
            fullAt[0] = earliest;
        }
        if (now - fullAt[0] < everyNanos) {
            return Optional.of(Duration.ofNanos(everyNanos - (now - fullAt[0])));
        }
        fullAt[0] += everyNanos;
        if (buckets.size() > 10_000) {
            buckets.values().removeIf(b -> b[0] <= earliest);
        }
        return Optional.empty();
    }
}
