package dev.capstan.apply;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line for many failed objects. When the API server fails for all of them alike (503
 * for a whole sync), 200 copies of one reason would bury it and make a 20 KB status and log
 * line; objects that failed for the same reason are named together, the first few by name.
 */
final class Failures {

    /** Objects named per reason before "and N more". */
    private static final int NAMED = 3;

    private Failures() {
    }

    /** @param failures each failed object's description and its reason, in plan order */
    static String summarize(List<String[]> failures) {
        Map<String, List<String>> byReason = new LinkedHashMap<>();
        for (String[] f : failures) {
            byReason.computeIfAbsent(f[1], k -> new ArrayList<>()).add(f[0]);
        }
        List<String> parts = new ArrayList<>();
        byReason.forEach((reason, objects) -> {
            if (objects.size() <= NAMED) {
                objects.forEach(o -> parts.add(o + ": " + reason));
            } else {
                parts.add(objects.size() + " objects (" + String.join(", ", objects.subList(0, NAMED)) + " and "
                        + (objects.size() - NAMED) + " more): " + reason);
            }
        });
        return String.join("; ", parts);
    }
}
