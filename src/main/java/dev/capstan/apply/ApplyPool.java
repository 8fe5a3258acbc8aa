package dev.capstan.apply;

import dev.capstan.plan.PlanEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The applier's bounded concurrency: at most {@code apply.parallelism} requests in flight per
 * applier (one per identity), whatever the size of the change set.
 */
final class ApplyPool {

    private final int parallelism;
    private final ExecutorService pool;

    ApplyPool(int parallelism) {
        this.parallelism = Math.max(1, parallelism);
        this.pool = Executors.newFixedThreadPool(this.parallelism, r -> {
            Thread t = new Thread(r, "capstan-apply");
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code work} over {@code items}; results in item order. */
    <T> List<T> map(List<PlanEntry> items, Function<PlanEntry, T> work) {
        if (items.size() <= 1 || parallelism <= 1) {
            return items.stream().map(work).toList();
        }
        List<Future<T>> futures = new ArrayList<>();
        for (PlanEntry item : items) {
            futures.add(pool.submit(() -> work.apply(item)));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            try {
                results.add(f.get());
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while applying", ex);
            } catch (ExecutionException ex) {
                throw new IllegalStateException(ex.getCause());
            }
        }
        return results;
    }
}
