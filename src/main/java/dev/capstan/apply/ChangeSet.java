package dev.capstan.apply;

import dev.capstan.plan.Plan;
import dev.capstan.plan.PlanEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The outcome of one sync, object by object, in the order things were done. Thread-safe for appends. */
public final class ChangeSet {

    private final List<Change> changes = Collections.synchronizedList(new ArrayList<>());

    /** What a plan decides without touching the cluster: unchanged objects, and objects another app owns (skipped). */
    public static ChangeSet planned(Plan plan) {
        ChangeSet changes = new ChangeSet();
        for (PlanEntry e : plan.entries()) {
            switch (e.kind()) {
                case UNCHANGED -> changes.add(new Change(e.ref(), Action.UNCHANGED, ""));
                case CONFLICT -> changes.add(new Change(e.ref(), Action.SKIPPED, e.note()));
                default -> { }
            }
        }
        return changes;
    }

    public void add(Change change) {
        changes.add(change);
    }

    public void addAll(ChangeSet other) {
        changes.addAll(other.changes());
    }

    public List<Change> changes() {
        synchronized (changes) {
            return List.copyOf(changes);
        }
    }

    public Map<Action, Integer> counts() {
        Map<Action, Integer> counts = new EnumMap<>(Action.class);
        for (Change c : changes()) {
            counts.merge(c.action(), 1, Integer::sum);
        }
        return counts;
    }

    public List<Change> of(Action action) {
        return changes().stream().filter(c -> c.action() == action).toList();
    }

    /** "2 created, 1 configured, 5 unchanged" */
    public String summary() {
        List<String> parts = new ArrayList<>();
        counts().forEach((a, n) -> parts.add(n + " " + a.label()));
        return parts.isEmpty() ? "nothing to do" : String.join(", ", parts);
    }
}
