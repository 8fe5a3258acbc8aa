package dev.capstan.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one application applied at its last successful sync: the refs (with the
 * apiVersion needed to delete them) and the revision. Prune works from this list, never
 * from a label query, so an object is only ever deleted by the app that recorded it.
 */
public record Inventory(List<Entry> entries, String revision, String healthyRevision) {

    /** One applied object. */
    public record Entry(String apiVersion, ObjectRef ref) {
    }

    public static Inventory empty() {
        return new Inventory(List.of(), "", "");
    }

    /** @param healthyRevision the last revision whose objects all became healthy: where a rollback returns to */
    public Inventory {
        entries = List.copyOf(entries);
        revision = revision == null ? "" : revision;
        healthyRevision = healthyRevision == null ? "" : healthyRevision;
    }

    public Inventory(List<Entry> entries, String revision) {
        this(entries, revision, "");
    }

    /** What a sync applied ({@code desired}) plus the stale objects it has not yet pruned, so a crash loses none of them. */
    public static Inventory of(List<DesiredObject> desired, List<PlanEntry> stillStale, String revision, String healthyRevision) {
        List<Entry> entries = new ArrayList<>();
        desired.forEach(d -> entries.add(new Entry(d.apiVersion(), d.ref())));
        stillStale.forEach(e -> entries.add(new Entry(e.apiVersion(), e.ref())));
        return new Inventory(entries, revision, healthyRevision);
    }

    /** After a failed apply or health gate: this inventory plus whatever of {@code desired} may now exist, so a later prune still finds it. */
    public Inventory withAll(List<DesiredObject> desired) {
        Map<ObjectRef, Entry> all = new java.util.LinkedHashMap<>();
        entries.forEach(e -> all.put(e.ref(), e));
        desired.forEach(d -> all.putIfAbsent(d.ref(), new Entry(d.apiVersion(), d.ref())));
        return new Inventory(new ArrayList<>(all.values()), revision, healthyRevision);
    }

    /** As ConfigMap data: {@code revision}, {@code healthyRevision}, and {@code objects} one per line: apiVersion Kind namespace name ("-" for none). */
    public Map<String, String> toData() {
        StringBuilder lines = new StringBuilder();
        entries.stream().sorted((a, b) -> a.ref().compareTo(b.ref())).forEach(e -> lines.append(e.apiVersion()).append(' ')
                .append(e.ref().kind()).append(' ')
                .append(e.ref().namespace().isEmpty() ? "-" : e.ref().namespace()).append(' ')
                .append(e.ref().name()).append('\n'));
        Map<String, String> data = new TreeMap<>();
        data.put("revision", revision);
        data.put("healthyRevision", healthyRevision);
        data.put("objects", lines.toString());
        return data;
    }

    /** Reads {@link #toData()}; lines it cannot read are skipped (never guessed at). */
    public static Inventory fromData(Map<String, String> data) {
        if (data == null) {
            return empty();
        }
        List<Entry> entries = new ArrayList<>();
        for (String line : data.getOrDefault("objects", "").split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length != 4) {
                continue;
            }
            entries.add(new Entry(f[0], new ObjectRef(ObjectRef.groupOf(f[0]), f[1], f[2].equals("-") ? "" : f[2], f[3])));
        }
        return new Inventory(entries, data.get("revision"), data.get("healthyRevision"));
    }
}
