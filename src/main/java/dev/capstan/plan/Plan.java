package dev.capstan.plan;

import java.util.List;

/** Every desired object in apply order with its intended action, then the stale objects in prune order. */
public record Plan(List<PlanEntry> entries) {

    public Plan {
        entries = List.copyOf(entries);
    }

    public List<PlanEntry> of(PlanEntry.Kind kind) {
        return entries.stream().filter(e -> e.kind() == kind).toList();
    }

    /** Whether applying would change anything (creates, updates or prunes). */
    public boolean hasChanges() {
        return entries.stream().anyMatch(e -> e.changes() || e.kind() == PlanEntry.Kind.PRUNE);
    }

    public long count(PlanEntry.Kind kind) {
        return entries.stream().filter(e -> e.kind() == kind).count();
    }
}
