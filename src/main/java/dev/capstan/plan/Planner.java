package dev.capstan.plan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the plan: desired objects against their live state, and the previous inventory
 * against the desired set. Pure: the live state comes in through {@link LiveLookup}.
 */
public final class Planner {

    /** The live object (plain data) for a desired one, looked up by its apiVersion. */
    @FunctionalInterface
    public interface LiveLookup {
        Optional<Map<String, Object>> find(String apiVersion, ObjectRef ref);
    }

    private Planner() {
    }

    /**
     * @param desired in apply order (see {@link ApplyOrder#sort})
     */
    public static Plan plan(String app, List<DesiredObject> desired, LiveLookup live, Inventory previous) {
        List<PlanEntry> entries = new ArrayList<>();
        Set<ObjectRef> wanted = new HashSet<>();
        for (DesiredObject d : desired) {
            wanted.add(d.ref());
            entries.add(entryFor(app, d, live.find(d.apiVersion(), d.ref())));
        }
        List<PlanEntry> stale = new ArrayList<>();
        for (Inventory.Entry e : previous.entries()) {
            if (!wanted.contains(e.ref())) {
                stale.add(new PlanEntry(PlanEntry.Kind.PRUNE, e.ref(), e.apiVersion(), null, List.of(), ""));
            }
        }
        stale.sort((a, b) -> ApplyOrder.COMPARATOR.compare(b.ref(), a.ref()));
        entries.addAll(stale);
        return new Plan(entries);
    }

    private static PlanEntry entryFor(String app, DesiredObject d, Optional<Map<String, Object>> liveObject) {
        if (liveObject.isEmpty()) {
            return new PlanEntry(PlanEntry.Kind.CREATE, d.ref(), d.apiVersion(), d, List.of(), "");
        }
        Map<String, Object> live = liveObject.get();
        String owner = Ownership.appOf(annotation(live, Ownership.TRACKING_ID));
        if (owner != null && !owner.equals(app)) {
            return new PlanEntry(PlanEntry.Kind.CONFLICT, d.ref(), d.apiVersion(), d, List.of(),
                    "owned by application \"" + owner + "\" (tracking id " + annotation(live, Ownership.TRACKING_ID)
                            + "); remove it from one of the two apps");
        }
        List<String> paths = Diff.changedPaths(d.body(), live);
        paths.remove("/metadata/annotations/" + Ownership.APPLIED_HASH.replace("/", "~1"));
        boolean hashChanged = !d.hash().equals(annotation(live, Ownership.APPLIED_HASH));
        if (paths.isEmpty() && !hashChanged) {
            return new PlanEntry(PlanEntry.Kind.UNCHANGED, d.ref(), d.apiVersion(), d, List.of(), "");
        }
        if (paths.isEmpty()) {
            paths = List.of("(fields removed from Git)");
        }
        return new PlanEntry(PlanEntry.Kind.UPDATE, d.ref(), d.apiVersion(), d, paths, "");
    }

    static String annotation(Map<String, Object> object, String key) {
        if (object.get("metadata") instanceof Map<?, ?> meta && meta.get("annotations") instanceof Map<?, ?> a) {
            Object v = a.get(key);
            return v == null ? null : String.valueOf(v);
        }
        return null;
    }
}
