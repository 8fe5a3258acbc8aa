package dev.capstan.engine;

import static dev.capstan.engine.FakeCluster.configMap;
import static dev.capstan.engine.FakeCluster.ref;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.apply.Action;
import dev.capstan.config.ApplicationSpec;
import dev.capstan.engine.SyncOutcome.Failed;
import dev.capstan.engine.SyncOutcome.Rejected;
import dev.capstan.engine.SyncOutcome.Succeeded;
import dev.capstan.health.Health;
import dev.capstan.health.ObjectHealth;
import dev.capstan.plan.Inventory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The engine's decisions, with the world faked in memory (no cluster, no Git): which verbs
 * run in which order, when a sync stops, what it never does after a failure, what the
 * inventory holds after each step, and when a rollback happens. The real adapters are
 * proven by the control-plane end-to-end tests.
 */
class ReconcilerTest {

    private final FakeCluster world = new FakeCluster();

    private static ApplicationSpec app(boolean prune, boolean allowEmpty, boolean rollback) {
        return new ApplicationSpec("shop", new ApplicationSpec.Repo("git://example/repo.git", "main", "", null),
                new ApplicationSpec.Destination("shop"), new ApplicationSpec.Sync(Duration.ofMinutes(1), prune, allowEmpty,
                Duration.ofMinutes(5), rollback, false, List.of()));
    }

    private Reconciler reconciler(boolean prune, boolean allowEmpty, boolean rollback, SyncListener listener) {
        return new Reconciler(app(prune, allowEmpty, rollback), world, world.ports(), listener,
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    }

    private Reconciler reconciler(boolean prune, boolean allowEmpty, boolean rollback) {
        return reconciler(prune, allowEmpty, rollback, SyncListener.NONE);
    }

    private Reconciler reconciler() {
        return reconciler(true, false, false);
    }

    @Test
    void appliesWaveByWaveWithAHealthGateAfterEachThenMarksTheRevisionHealthy() {
        world.commit("v1", List.of(configMap("late", 1), configMap("early", -1), configMap("middle", 0)));

        SyncOutcome outcome = reconciler().reconcile(false);

        Succeeded s = assertInstanceOf(Succeeded.class, outcome);
        assertEquals(3, s.changes().of(Action.CREATED).size());
        assertEquals(List.of("fetch", "render 0001", "dry-run", "inventory [late, early, middle] at -, healthy -",
                "apply wave -1", "await [early]", "apply wave 0", "await [middle]", "apply wave 1", "await [late]",
                "inventory [late, early, middle] at 0001, healthy -", "inventory [late, early, middle] at 0001, healthy 0001",
                "assess"), world.calls);
    }

    /** A clock the test moves. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.EPOCH;

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aPermanentRefusalIsHeldUntilANewCommitAManualSyncOrASlowBackoff() {
        world.commit("v1", List.of(configMap("a", 0), configMap("job", 1)));
        world.refuseApply.add(ref("job"));
        ManualClock clock = new ManualClock();
        Reconciler r = new Reconciler(app(true, false, false), world, world.ports(), SyncListener.NONE, clock);
        Failed first = assertInstanceOf(Failed.class, r.reconcile(false));
        assertTrue(first.permanent());
        world.calls.clear();
        clock.now = clock.now.plus(Duration.ofMinutes(4));
        assertInstanceOf(SyncOutcome.Held.class, r.reconcile(false), "the same commit is not re-sent every interval");
        assertEquals(List.of("fetch"), world.calls);
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        assertInstanceOf(Failed.class, r.reconcile(false), "tried again after 5 minutes");
        clock.now = clock.now.plus(Duration.ofMinutes(6));
        assertInstanceOf(SyncOutcome.Held.class, r.reconcile(false), "then after 10");
        assertInstanceOf(Failed.class, r.reconcile(true), "a manual sync always tries");
        world.refuseApply.clear();
        world.commit("v2", List.of(configMap("a", 0), configMap("job", 2)));
        assertInstanceOf(Succeeded.class, r.reconcile(false), "a new commit is tried at once");
    }

    @Test
    void aResyncOfAHealthyRevisionAppliesNothingAndDoesNotWait() {
        world.commit("v1", List.of(configMap("a", 0)));
        Reconciler r = reconciler();
        r.reconcile(false);
        world.calls.clear();

        SyncOutcome again = r.reconcile(false);

        assertEquals(1, assertInstanceOf(Succeeded.class, again).changes().of(Action.UNCHANGED).size());
        assertEquals(List.of("fetch", "render 0001", "dry-run", "apply wave 0", "assess",
                "inventory [a] at 0001, healthy 0001", "inventory [a] at 0001, healthy 0001", "assess"), world.calls,
                "the same inventory twice: the store writes only what changed, so a no-op resync costs no request");
    }

    @Test
    void aQuietResyncIsAnsweredFromTheLastUntilSomethingItReadsChanges() {
        world.memoizeRenders = true;
        world.commit("v1", List.of(configMap("a", 0), configMap("b", 0)));
        Reconciler r = reconciler();
        r.reconcile(false);
        r.reconcile(false); // in sync and healthy: remembered
        world.calls.clear();

        Succeeded quiet = assertInstanceOf(Succeeded.class, r.reconcile(false));
        assertEquals(2, quiet.changes().of(Action.UNCHANGED).size());
        assertEquals(List.of("fetch", "render 0001"), world.calls, "no plan, dry-run or health assessment");

        Map<String, Object> edited = new java.util.LinkedHashMap<>(world.live.get(ref("a")));
        edited.put("data", Map.of("key", "by hand"));
        world.live.put(ref("a"), edited); // a live change in the app's namespace
        world.calls.clear();
        Succeeded healed = assertInstanceOf(Succeeded.class, r.reconcile(false));
        assertEquals(1, healed.changes().of(Action.CONFIGURED).size(), healed.changes().changes().toString());
        assertTrue(world.calls.contains("assess"), world.calls.toString());

        r.reconcile(false);
        world.calls.clear();
        r.reconcile(false, System.nanoTime()); // woken by a push that did not change this app
        assertEquals(List.of("fetch", "render 0001"), world.calls);
        world.calls.clear();
        r.reconcile(true); // a person's sync runs everything
        assertTrue(world.calls.contains("dry-run"), world.calls.toString());
    }

    @Test
    void prunesWhatLeftGitOnlyAfterTheLastWave() {
        world.commit("v1", List.of(configMap("a", 0), configMap("b", 0)));
        Reconciler r = reconciler();
        r.reconcile(false);
        world.commit("v2", List.of(configMap("a", 0)));
        world.calls.clear();

        Succeeded s = assertInstanceOf(Succeeded.class, r.reconcile(false));

        assertEquals(List.of(ref("b")), s.changes().of(Action.PRUNED).stream().map(c -> c.ref()).toList());
        assertEquals(List.of("fetch", "render 0002", "dry-run", "apply wave 0", "await [a]",
                "inventory [a, b] at 0002, healthy 0001", "prune [b]", "inventory [a] at 0002, healthy 0001",
                "inventory [a] at 0002, healthy 0002", "assess"), world.calls,
                "the inventory keeps b until it is gone, so a crash before the prune loses nothing");
    }

    @Test
    void neverPrunesAfterAFailedApplyAndRemembersEverythingThatMayExist() {
        world.commit("v1", List.of(configMap("a", 0), configMap("b", 0)));
        Reconciler r = reconciler();
        r.reconcile(false);
        world.commit("v2", List.of(configMap("a", 0, "a2"), configMap("c", 0)));
        world.failApply.add(ref("c"));
        world.calls.clear();

        Failed f = assertInstanceOf(Failed.class, r.reconcile(false));

        assertEquals(Reason.ApplyFailed, f.reason());
        assertEquals(ref("c"), f.object().orElseThrow());
        assertTrue(f.message().startsWith("ConfigMap/shop/c: apply failed"), f.message());
        assertFalse(world.calls.stream().anyMatch(c -> c.startsWith("prune")), world.calls.toString());
        assertEquals(List.of("a", "b", "c"), world.inventory().entries().stream().map(e -> e.ref().name()).toList());
        assertEquals("0000000000000000000000000000000000000001", world.inventory().healthyRevision());
    }

    @Test
    void aFailedDryRunAppliesNothing() {
        world.commit("v1", List.of(configMap("a", 0), configMap("bad", 1)));
        world.failDryRun.add(ref("bad"));

        Failed f = assertInstanceOf(Failed.class, reconciler().reconcile(false));

        assertEquals(Reason.ApplyFailed, f.reason());
        assertFalse(world.calls.stream().anyMatch(c -> c.startsWith("apply")), world.calls.toString());
        assertTrue(world.live.isEmpty());
    }

    @Test
    void aFailedHealthGateStopsLaterWavesAndPrunesNothing() {
        world.commit("v1", List.of(configMap("db", 0), configMap("old", 1)));
        Reconciler r = reconciler();
        r.reconcile(false);
        world.commit("v2", List.of(configMap("db", 0, "db-crashing"), configMap("web", 1)));
        world.crashing.add("db-crashing");
        world.calls.clear();

        Failed f = assertInstanceOf(Failed.class, r.reconcile(false));

        assertEquals(Reason.HealthCheckFailed, f.reason());
        assertTrue(f.message().startsWith("rollout failed: ConfigMap/shop/db"), f.message());
        assertEquals(List.of("fetch", "render 0002", "dry-run", "inventory [db, old, web] at 0001, healthy 0001",
                "apply wave 0", "await [db]"), world.calls, "web is recorded before it may exist, not after");
        assertTrue(world.live.containsKey(ref("old")), "nothing is pruned after a failed gate");
    }

    @Test
    void refusesAnEmptyRenderWhereObjectsWereAppliedBeforeUnlessAllowed() {
        world.commit("v1", List.of(configMap("a", 0)));
        Reconciler r = reconciler();
        r.reconcile(false);
        world.commit("emptied by mistake", List.of());

        Rejected rejected = assertInstanceOf(Rejected.class, r.reconcile(false));
        assertEquals(Reason.ValidationFailed, rejected.reason());
        assertTrue(rejected.message().contains("sync.allowEmpty"), rejected.message());
        assertTrue(world.live.containsKey(ref("a")));

        Succeeded allowed = assertInstanceOf(Succeeded.class, reconciler(true, true, false).reconcile(false));
        assertEquals(1, allowed.changes().of(Action.PRUNED).size());
    }

    @Test
    void aRenderFailureIsRejectedBeforeAnythingTouchesTheCluster() {
        String sha = world.commit("broken", List.of(configMap("a", 0)));
        world.unrenderable.add(sha);

        Rejected r = assertInstanceOf(Rejected.class, reconciler().reconcile(false));

        assertEquals(Reason.RenderFailed, r.reason());
        assertEquals("app.yaml:3: invalid YAML: mapping values are not allowed here", r.message());
        assertEquals(List.of("fetch", "render 0001"), world.calls);
    }

    @Test
    void aRewrittenHistoryIsNotAppliedOrPrunedUntilAPersonSyncs() {
        world.commit("v1", List.of(configMap("a", 0), configMap("b", 0)));
        Reconciler r = reconciler();
        assertInstanceOf(SyncOutcome.Succeeded.class, r.reconcile(false));
        String forced = world.commit("force-pushed", List.of(configMap("a", 0)));
        world.rewritten.add(forced);
        world.calls.clear();

        SyncOutcome held = r.reconcile(false);

        SyncOutcome.Rejected rejected = assertInstanceOf(SyncOutcome.Rejected.class, held);
        assertEquals(Reason.HistoryRewritten, rejected.reason());
        assertTrue(rejected.message().contains("sync by hand"), rejected.message());
        assertEquals(List.of("fetch"), world.calls, "nothing rendered, applied or pruned");
        assertEquals(List.of("a", "b"), liveNames());

        assertInstanceOf(SyncOutcome.Succeeded.class, r.reconcile(true), "a person's sync accepts it");
        assertEquals(List.of("a"), liveNames());
        String next = world.commit("on top", List.of(configMap("a", 0), configMap("c", 0)));
        assertInstanceOf(SyncOutcome.Succeeded.class, r.reconcile(false), "what follows the accepted commit is followed: " + next);
    }

    private List<String> liveNames() {
        return world.live.keySet().stream().map(dev.capstan.plan.ObjectRef::name).sorted().toList();
    }

    @Test
    void aFetchFailureStopsTheSyncAtOnce() {
        world.commit("v1", List.of(configMap("a", 0)));
        world.gitDown = true;

        SyncOutcome o = reconciler().reconcile(false);

        assertEquals("cannot reach git://example/repo.git", assertInstanceOf(SyncOutcome.FetchFailed.class, o).message());
        assertEquals(List.of("fetch"), world.calls);
    }

    @Test
    void aClusterErrorOutsideAnyObjectEndsTheSyncAsASyncErrorThatNamesIt() {
        world.commit("v1", List.of(configMap("a", 0)));
        world.inventoryRefused = true;

        Failed f = assertInstanceOf(Failed.class, reconciler().reconcile(false));

        assertEquals(Reason.SyncError, f.reason());
        assertEquals("sync stopped: configmaps \"capstan-inventory-shop\" is forbidden", f.message());
        assertFalse(f.permanent(), "retried at the next interval, once the Role is fixed");
    }

    @Test
    void anAgentKilledBetweenACreateAndItsInventoryWriteOrphansNothing() {
        world.commit("v1", List.of(configMap("a", 0)));
        reconciler(true, false, false).reconcile(false);
        world.commit("v2", List.of(configMap("a", 0), configMap("b", 0)));
        world.killedAfterApply = true;
        reconciler(true, false, false).reconcile(false);
        assertTrue(world.live.containsKey(ref("b")), "b was created before the kill");

        world.killedAfterApply = false;
        world.commit("v3", List.of(configMap("a", 0))); // Git dropped b before the agent came back
        Succeeded s = assertInstanceOf(Succeeded.class, reconciler(true, false, false).reconcile(false));

        assertFalse(world.live.containsKey(ref("b")), "b was in the inventory before it existed, so it is pruned");
        assertEquals(1, s.changes().of(Action.PRUNED).size());
        assertEquals(List.of("a"), world.inventory().entries().stream().map(e -> e.ref().name()).toList());
    }

    @Test
    void aPruneFailureKeepsTheObjectInTheInventoryToRetry() {
        world.commit("v1", List.of(configMap("a", 0), configMap("locked", 0)));
        Reconciler r = reconciler();
        r.reconcile(false);
        world.commit("v2", List.of(configMap("a", 0)));
        world.failPrune.add(ref("locked"));

        Failed f = assertInstanceOf(Failed.class, r.reconcile(false));

        assertEquals(Reason.PruneFailed, f.reason());
        assertEquals(ref("locked"), f.object().orElseThrow());
        Inventory inventory = world.inventory();
        assertEquals(List.of("a", "locked"), inventory.entries().stream().map(e -> e.ref().name()).toList());
        assertFalse(inventory.healthyRevision().equals(inventory.revision()), "not marked healthy: the sync did not finish");
    }

    @Test
    void rollsBackToTheLastHealthyRevisionAndHoldsTheFailedOneUntilAManualSync() {
        String good = world.commit("v1", List.of(configMap("web", 0, "web-1")));
        Reconciler r = reconciler(true, false, true);
        r.reconcile(false);
        world.commit("v2", List.of(configMap("web", 0, "web-2")));
        world.crashing.add("web-2");

        SyncOutcome.RolledBack back = assertInstanceOf(SyncOutcome.RolledBack.class, r.reconcile(false));
        assertEquals(good, back.restored().sha());
        assertTrue(back.message().startsWith("revision 0000000 failed: rollout failed: ConfigMap/shop/web"), back.message());
        assertTrue(back.message().endsWith("rolled back to 0000000 \"v1\""), back.message());
        assertEquals("web-1", ((java.util.Map<?, ?>) world.live.get(ref("web")).get("data")).get("key"));

        world.calls.clear();
        assertInstanceOf(SyncOutcome.Held.class, r.reconcile(false), "the failed revision is not retried by the schedule");
        assertEquals(List.of("fetch"), world.calls);

        world.crashing.clear();
        assertInstanceOf(Succeeded.class, r.reconcile(true), "a manual sync retries it");
    }

    @Test
    void aNewCommitAfterARollbackIsSyncedAgain() {
        world.commit("v1", List.of(configMap("web", 0, "web-1")));
        Reconciler r = reconciler(true, false, true);
        r.reconcile(false);
        world.commit("v2", List.of(configMap("web", 0, "web-2")));
        world.crashing.add("web-2");
        assertInstanceOf(SyncOutcome.RolledBack.class, r.reconcile(false));

        world.commit("v3 fixes v2", List.of(configMap("web", 0, "web-3")));

        assertInstanceOf(Succeeded.class, r.reconcile(false));
        assertEquals("web-3", ((java.util.Map<?, ?>) world.live.get(ref("web")).get("data")).get("key"));
    }

    @Test
    void withoutAnEarlierHealthyRevisionThereIsNothingToRollBackTo() {
        world.commit("v1", List.of(configMap("web", 0, "web-1")));
        world.crashing.add("web-1");

        Failed f = assertInstanceOf(Failed.class, reconciler(true, false, true).reconcile(false));

        assertTrue(f.message().endsWith("; no earlier healthy revision to roll back to"), f.message());
    }

    @Test
    void aLoadBalancerAddressIsReportedButNeverHoldsTheSync() {
        world.commit("v1", List.of(configMap("a", 0), FakeCluster.service("frontend", "LoadBalancer", Map.of())));

        Succeeded s = assertInstanceOf(Succeeded.class, reconciler().reconcile(false));

        assertTrue(world.calls.contains("await [a]"), world.calls.toString());
        ObjectHealth lb = s.health().objects().stream().filter(o -> o.ref().name().equals("frontend")).findFirst().orElseThrow();
        assertEquals(Health.progressing("waiting for the load balancer's address"), lb.health());
    }

    @Test
    void healthWaitMakesTheGateWaitForTheAddressAndFailNamingIt() {
        world.commit("v1", List.of(configMap("a", 0),
                FakeCluster.service("frontend", "LoadBalancer", Map.of("capstan.dev/health", "wait"))));

        Failed f = assertInstanceOf(Failed.class, reconciler().reconcile(false));

        assertTrue(world.calls.contains("await [a, frontend]"), world.calls.toString());
        assertEquals("not healthy within 5m (sync.timeout): Service/shop/frontend: Progressing: waiting for the load "
                + "balancer's address", f.message());
    }

    @Test
    void whileAGateWaitsTheListenerHearsWhatItWaitsForAndHowLong() {
        world.commit("v1", List.of(configMap("a", 0),
                FakeCluster.service("frontend", "LoadBalancer", Map.of("capstan.dev/health", "wait"))));
        List<String> heard = new java.util.ArrayList<>();
        SyncListener listener = new SyncListener() {
            @Override
            public void waiting(dev.capstan.health.HealthReport report, Duration waited, Duration limit) {
                heard.add(report.notHealthy().stream().map(o -> o.ref().name()).toList() + " of " + report.objects().size()
                        + ", limit " + limit);
            }
        };

        reconciler(true, false, false, listener).reconcile(false);

        assertEquals(List.of("[frontend] of 2, limit PT5M"), heard);
    }

    @Test
    void healthIgnoreLeavesAnObjectOutOfTheAppsHealth() {
        world.commit("v1", List.of(configMap("a", 0),
                FakeCluster.service("frontend", "LoadBalancer", Map.of("capstan.dev/health", "ignore"))));

        Succeeded s = assertInstanceOf(Succeeded.class, reconciler().reconcile(false));

        assertEquals(List.of("a"), s.health().objects().stream().map(o -> o.ref().name()).toList());
    }

    @Test
    void aRevisionThatFailedItsGateIsNotRetriedByTheScheduleButByANewCommitOrAManualSync() {
        world.commit("v1", List.of(configMap("web", 0, "web-1")));
        Reconciler r = reconciler();
        r.reconcile(false);
        world.commit("v2", List.of(configMap("web", 0, "web-2")));
        world.crashing.add("web-2");
        assertEquals(Reason.HealthCheckFailed, assertInstanceOf(Failed.class, r.reconcile(false)).reason());
        world.calls.clear();

        SyncOutcome.Held held = assertInstanceOf(SyncOutcome.Held.class, r.reconcile(false));

        assertFalse(held.rolledBack());
        assertEquals(List.of("fetch"), world.calls, "no re-apply, no new wait");
        assertInstanceOf(Failed.class, r.reconcile(true), "a manual sync tries again");
        world.commit("v3", List.of(configMap("web", 0, "web-3")));
        assertInstanceOf(Succeeded.class, r.reconcile(false), "so does a new commit");
    }

    @Test
    void selfHealReappliesOnlyObjectsThatStillDiffer() {
        world.commit("v1", List.of(configMap("a", 0), configMap("b", 0)));
        Reconciler r = reconciler();
        r.reconcile(false);
        world.live.remove(ref("a"));
        world.calls.clear();

        var healed = r.heal(Set.of(ref("a"), ref("b")));

        assertEquals(List.of(ref("a")), healed.of(Action.CREATED).stream().map(c -> c.ref()).toList());
        assertEquals(List.of("dry-run", "apply wave 0"), world.calls, "no health gate, no inventory write for a heal");
    }
}
