package dev.capstan.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The objects of one {@code capstan.dev/wave}, changed or not, in apply order: a wave is
 * applied, then gated on its health, before the next one starts.
 */
public record Wave(int number, List<PlanEntry> entries) {

    public Wave {
        entries = List.copyOf(entries);
    }

    /** The plan's own desired objects by wave, ascending (sync-failed hooks are in none); an empty plan has no waves. */
    public static List<Wave> of(Plan plan) {
        Map<Integer, List<PlanEntry>> byNumber = new TreeMap<>();
        for (PlanEntry e : plan.entries()) {
            if (e.isOwnDesired() && Hooks.of(e.desired().body()).map(h -> h.phase() != Hooks.Phase.SYNC_FAILED).orElse(true)) {
                byNumber.computeIfAbsent(e.desired().wave(), w -> new ArrayList<>()).add(e);
            }
        }
        List<Wave> waves = new ArrayList<>();
        byNumber.forEach((n, entries) -> waves.add(new Wave(n, entries)));
        return waves;
    }

    /** The entries this wave creates or updates. */
    public List<PlanEntry> changed() {
        return entries.stream().filter(PlanEntry::changes).toList();
    }
}
