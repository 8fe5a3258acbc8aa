package dev.capstan.engine;

import dev.capstan.config.ApplicationSpec;
import dev.capstan.plan.DesiredObject;
import dev.capstan.plan.Diff;
import dev.capstan.plan.ObjectRef;
import dev.capstan.plan.PlanEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which of the objects a watch reported are still drifted when self-heal gets to them: a
 * person may have put one back, or the next event may already have been ours.
 */
final class Drifted {

    private Drifted() {
    }

    /** Plan entries re-applying each of {@code refs} that is missing or differs from what the last sync applied. */
    static List<PlanEntry> of(List<DesiredObject> lastDesired, Set<ObjectRef> refs, EnginePorts.LiveState live, ApplicationSpec app) {
        List<PlanEntry> entries = new ArrayList<>();
        for (DesiredObject d : lastDesired) {
            if (!refs.contains(d.ref())) {
                continue;
            }
            var found = live.find(d.apiVersion(), d.ref());
            if (found.isEmpty()) {
                entries.add(new PlanEntry(PlanEntry.Kind.CREATE, d.ref(), d.apiVersion(), d, List.of(), ""));
            } else {
                List<String> paths = Diff.changedPaths(d.body(), found.get(), app.ignoredFor(d.ref()));
                if (!paths.isEmpty()) {
                    entries.add(new PlanEntry(PlanEntry.Kind.UPDATE, d.ref(), d.apiVersion(), d, paths, ""));
                }
            }
        }
        return entries;
    }
}
