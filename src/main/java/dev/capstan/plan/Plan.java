package dev.capstan.plan;

import java.util.List;

/** Every desired object in apply order with its intended action, then the stale objects in prune order. */
public record Plan(List<PlanEntry> entries) {

    public Plan {
        entries = List.copyOf(entries);
    }

    /** The objects Git wants that this app applies (not prunes, not other apps' objects), in apply order. */
    public List<DesiredObject> ownDesired() {
        return entries.stream().filter(PlanEntry::isOwnDesired).map(PlanEntry::desired).toList();
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
