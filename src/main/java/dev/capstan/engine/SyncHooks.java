package dev.capstan.engine;

import dev.capstan.apply.Action;
import dev.capstan.apply.ApplyException;
import dev.capstan.apply.Change;
import dev.capstan.apply.ChangeSet;
import dev.capstan.apply.DryRun;
import dev.capstan.plan.Hooks;
import dev.capstan.plan.Plan;
import dev.capstan.plan.PlanEntry;
import dev.capstan.plan.Wave;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync's steps that only hooks have: deleting hooks their delete policy names once
 * their wave passed (or failed) its gate, and applying the sync-failed hooks after a failed
 * sync. Pre- and post-sync hooks otherwise run as ordinary waves of the plan.
 */
final class SyncHooks {

    private static final Logger LOG = LoggerFactory.getLogger(SyncHooks.class);

    private final String app;
    private final EnginePorts ports;

    SyncHooks(String app, EnginePorts ports) {
        this.app = app;
        this.ports = ports;
    }

    /** The wave's hooks whose delete policy asks for it now (after they succeeded, or failed), deleted. */
    void deleteDone(Wave wave, Hooks.DeletePolicy when, ChangeSet changes) {
        List<PlanEntry> done = wave.entries().stream()
                .filter(e -> Hooks.of(e.desired().body()).map(h -> h.deletes(when)).orElse(false)).toList();
        if (done.isEmpty()) {
            return;
        }
        String note = "hook deleted (" + (when == Hooks.DeletePolicy.HOOK_SUCCEEDED ? "hook-succeeded" : "hook-failed") + ")";
        for (Change c : ports.prune().prune(app, done).changes()) {
            changes.add(c.action() == Action.PRUNED ? new Change(c.ref(), Action.PRUNED, note) : c);
        }
    }

    /**
     * After a failed sync: applies the sync-failed hooks (a notification Job, a cleanup),
     * dry-run first; they are not waited for, and their own failure only adds to the changes.
     */
    void runSyncFailed(Plan plan, ChangeSet changes) {
        List<PlanEntry> hooks = plan.entries().stream().filter(PlanEntry::changes)
                .filter(e -> Hooks.of(e.desired().body()).map(h -> h.phase() == Hooks.Phase.SYNC_FAILED).orElse(false)).toList();
        if (hooks.isEmpty()) {
            return;
        }
        try {
            DryRun dryRun = ports.apply().dryRun(app, new Plan(hooks), true);
            changes.addAll(ports.apply().applyWave(app, new Wave(Integer.MAX_VALUE, hooks), dryRun).changes());
        } catch (ApplyException e) {
            changes.addAll(e.changes());
            LOG.warn("app={}: a sync-failed hook could not be applied: {}", app, e.getMessage());
        }
    }
}
