package dev.capstan.render;

import java.util.List;
import java.util.Map;

/**
 * How to template a chart, per application.
 *
 * @param releaseName empty for the application's name
 * @param valueFiles relative to the chart directory; each must stay inside the repository
 * @param values inline values, applied after the value files
 * @param sets {@code key=value} as {@code helm --set} reads them, applied last (CLI only)
 */
public record HelmOptions(String releaseName, List<String> valueFiles, Map<String, Object> values, List<String> sets) {

    public static final HelmOptions NONE = new HelmOptions("", List.of(), Map.of(), List.of());

    public HelmOptions {
        releaseName = releaseName == null ? "" : releaseName;
        valueFiles = List.copyOf(valueFiles);
        values = values == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
        sets = List.copyOf(sets);
    }
}
