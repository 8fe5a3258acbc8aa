package dev.capstan.render;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Which of a chart's hooks a sync applies. Install and upgrade hooks are applied, as
 * waves before and after the chart's other objects (see {@code plan.HookWaves}); test
 * hooks are never applied (they are for {@code helm test}), nor are hooks that only run on
 * delete or rollback, which a GitOps sync never does.
 */
public final class HelmHooks {

    public static final String ANNOTATION = "helm.sh/hook";

    private HelmHooks() {
    }

    /** The objects to apply; a note for each hook left out goes to {@code problems} as a warning. */
    public static List<RawObject> applicable(List<RawObject> raws, List<Problem> problems) {
        List<RawObject> kept = new ArrayList<>();
        for (RawObject raw : raws) {
            List<String> events = events(raw.object());
            boolean applies = events.isEmpty() || events.stream().anyMatch(e -> e.startsWith("pre-install")
                    || e.startsWith("pre-upgrade") || e.startsWith("post-install") || e.startsWith("post-upgrade"));
            if (applies) {
                kept.add(raw);
            } else if (events.stream().noneMatch(e -> e.startsWith("test"))) {
                problems.add(Problem.warning(raw.file(), raw.line(), name(raw.object()), "Helm hook \""
                        + String.join(",", events) + "\" is not applied: a sync installs or upgrades, it never deletes or rolls back a release"));
            }
        }
        return kept;
    }

    /** The hook events of an object ({@code helm.sh/hook: pre-install,pre-upgrade}), empty when it is no hook. */
    public static List<String> events(Map<String, Object> object) {
        if (object.get("metadata") instanceof Map<?, ?> meta && meta.get("annotations") instanceof Map<?, ?> ann
                && ann.get(ANNOTATION) instanceof String value && !value.isBlank()) {
            return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
        return List.of();
    }

    private static String name(Map<String, Object> object) {
        Object meta = object.get("metadata");
        return object.get("kind") + "/" + (meta instanceof Map<?, ?> m ? m.get("name") : "");
    }
}
