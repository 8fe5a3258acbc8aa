package dev.capstan.plan;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What differs between one desired object and its live state: the changed paths and a
 * unified YAML diff (live as {@code ---}, Git as {@code +++}), Secret values masked.
 *
 * @param missing the object does not exist live
 */
public record DriftReport(ObjectRef ref, List<String> paths, String diff, boolean missing) {

    public boolean inSync() {
        return !missing && paths.isEmpty();
    }

    /**
     * @param yaml how to print an object (the caller's YAML writer: plan stays free of I/O and formats)
     * @param live null when the object is missing
     */
    public static DriftReport of(ObjectRef ref, Map<String, Object> desired, Map<String, Object> live, List<String> ignored,
                                 Function<Object, String> yaml) {
        Map<String, Object> normalized = Diff.normalize(desired);
        if (live == null) {
            List<Map<String, Object>> masked = SecretMask.mask(normalized, null);
            return new DriftReport(ref, List.of("/"), UnifiedDiff.of("live (missing)", "", "git", yaml.apply(masked.get(0))), true);
        }
        List<String> paths = Diff.changedPaths(desired, live, ignored);
        if (paths.isEmpty()) {
            return new DriftReport(ref, paths, "", false);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> projected = (Map<String, Object>) Diff.project(normalized, live);
        List<Map<String, Object>> masked = SecretMask.mask(normalized, projected);
        return new DriftReport(ref, paths, UnifiedDiff.of("live", yaml.apply(masked.get(1)), "git", yaml.apply(masked.get(0))), false);
    }
}
