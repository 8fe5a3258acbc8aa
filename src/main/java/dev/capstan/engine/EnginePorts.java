package dev.capstan.engine;

import dev.capstan.apply.ApplyException;
import dev.capstan.apply.ChangeSet;
import dev.capstan.apply.DryRun;
import dev.capstan.apply.WaveResult;
import dev.capstan.config.ApplicationSpec;
import dev.capstan.health.HealthReport;
import dev.capstan.health.RolloutWaiter;
import dev.capstan.plan.Inventory;
import dev.capstan.plan.ObjectRef;
import dev.capstan.plan.Plan;
import dev.capstan.plan.PlanEntry;
import dev.capstan.plan.Wave;
import dev.capstan.render.RenderException;
import dev.capstan.source.RevisionTree;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything the engine asks of the world beyond Git, one narrow interface per verb, so
 * the decisions of a sync (what to apply, when to stop, what to prune, what to record)
 * can be tested with in-memory fakes and the control plane is needed only to prove the
 * real adapters. The agent wires them to the live cache, the applier, the pruner, the
 * rollout waiter and the inventory store.
 */
public record EnginePorts(Render render, LiveState live, Apply apply, Prune prune, Health health, Inventories inventories) {

    /** Source -> render -> validate -> desired objects. */
    @FunctionalInterface
    public interface Render {
        /** @throws IllegalArgumentException for a bad {@code capstan.dev/depends-on} (unreadable, or a cycle) */
        DesiredState render(ApplicationSpec app, RevisionTree snapshot) throws RenderException;
    }

    /** Reads of the live cluster, from a watch-fed cache. */
    public interface LiveState {
        Optional<Map<String, Object>> find(String apiVersion, ObjectRef ref);

        /** Starts watching a kind so that later reads of it are answered from the cache. */
        void watch(String apiVersion, String kind);

        /**
         * A number that changes whenever a watched object in one of {@code namespaces} ("" for
         * cluster-scoped objects) is added, changed or deleted: equal answers mean nothing there changed.
         */
        long changes(java.util.Set<String> namespaces);
    }

    /** Server-side apply: the whole change set dry-run first, then one wave at a time. */
    public interface Apply {
        /** @param recreate the app's {@code sync.recreate}: objects refused for immutable fields may be recreated */
        DryRun dryRun(String app, Plan plan, boolean recreate) throws ApplyException;

        WaveResult applyWave(String app, Wave wave, DryRun dryRun) throws ApplyException;
    }

    @FunctionalInterface
    public interface Prune {
        /** @param stale PRUNE entries in reverse apply order; failures come back as FAILED changes */
        ChangeSet prune(String app, List<PlanEntry> stale);
    }

    /** Health from the live cache: now, or once the objects settle. */
    public interface Health {
        HealthReport assess(List<RolloutWaiter.Target> targets);

        /**
         * @param stableFor how long the workloads this sync applied must stay healthy (see {@code sync.stableFor})
         * @param progress the current report while waiting: after changes, and at least every few seconds
         */
        HealthReport await(List<RolloutWaiter.Target> targets, Duration timeout, Duration stableFor,
                           Consumer<HealthReport> progress) throws InterruptedException;
    }

    /** What each app applied, kept where a restarted agent finds it. */
    public interface Inventories {
        Inventory read(String app);

        void write(String app, Inventory inventory);
    }
}
