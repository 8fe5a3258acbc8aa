package dev.capstan.agent;

import dev.capstan.apply.Applier;
import dev.capstan.apply.ApplyException;
import dev.capstan.apply.DryRun;
import dev.capstan.apply.InventoryStore;
import dev.capstan.apply.Pruner;
import dev.capstan.apply.WaveResult;
import dev.capstan.cluster.LiveCache;
import dev.capstan.engine.EnginePorts;
import dev.capstan.health.HealthReport;
import dev.capstan.health.RolloutWaiter;
import dev.capstan.plan.Inventory;
import dev.capstan.plan.ObjectRef;
import dev.capstan.plan.Plan;
import dev.capstan.plan.Wave;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The engine's ports over the real machinery. Adapters live here, in the composition
 * root, so that neither the engine nor the cluster-facing packages depend on each other's
 * interfaces.
 */
final class EngineAdapters {
    private EngineAdapters() {
    }

    static EnginePorts ports(EnginePorts.Render render, LiveCache cache, Applier applier, Pruner pruner, RolloutWaiter waiter,
                             InventoryStore inventory) {
        return new EnginePorts(render,
                new EnginePorts.LiveState() {
                    @Override
                    public Optional<Map<String, Object>> find(String apiVersion, ObjectRef ref) {
                        return cache.find(apiVersion, ref);
                    }

                    @Override
                    public void watch(String apiVersion, String kind) {
                        cache.watch(apiVersion, kind);
                    }

                    @Override
                    public long changes(java.util.Set<String> namespaces) {
                        return cache.changes(namespaces);
                    }
                },
                new EnginePorts.Apply() {
                    @Override
                    public DryRun dryRun(String app, Plan plan, boolean recreate) throws ApplyException {
                        return applier.dryRun(app, plan, recreate);
                    }

                    @Override
                    public WaveResult applyWave(String app, Wave wave, DryRun dryRun) throws ApplyException {
                        return applier.applyWave(app, wave, dryRun);
                    }
                },
                pruner::prune,
                new EnginePorts.Health() {
                    @Override
                    public HealthReport assess(List<RolloutWaiter.Target> targets) {
                        return waiter.assess(targets);
                    }

                    @Override
                    public HealthReport await(List<RolloutWaiter.Target> targets, Duration timeout, Duration stableFor,
                                              java.util.function.Consumer<HealthReport> progress) throws InterruptedException {
                        return waiter.await(targets, timeout, stableFor, progress);
                    }
                },
                new EnginePorts.Inventories() {
                    @Override
                    public Inventory read(String app) {
                        return inventory.read(app);
                    }

                    @Override
                    public void write(String app, Inventory value) {
                        inventory.write(app, value);
                    }
                });
    }
}
