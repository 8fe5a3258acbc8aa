package dev.capstan.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hides Secret values before anything is shown (diffs, status, logs, events), while
 * still showing that a value changed: each distinct value becomes a run of '+' of its
 * own length, the same value the same run on both sides (Argo CD's convention). A hash
 * would be shorter but would let a low-entropy secret be guessed offline.
 */
public final class SecretMask {

    private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private SecretMask() {
    }

    /** Masks both objects consistently; returns {desired, live} (copies; non-Secrets returned as they are; null stays null). */
    public static List<Map<String, Object>> mask(Map<String, Object> desired, Map<String, Object> live) {
        if (!isSecret(desired) && !isSecret(live)) {
            return java.util.Arrays.asList(desired, live);
        }
        List<String> distinct = new ArrayList<>();
        collect(desired, distinct);
        collect(live, distinct);
        return java.util.Arrays.asList(apply(desired, distinct), apply(live, distinct));
    }

    public static boolean isSecret(Map<String, Object> o) {
        return o != null && "Secret".equals(o.get("kind"));
    }

    private static void collect(Map<String, Object> o, List<String> distinct) {
        if (o == null) {
            return;
        }
        for (String field : new String[] {"data", "stringData"}) {
            if (o.get(field) instanceof Map<?, ?> m) {
                for (Object v : m.values()) {
                    String s = String.valueOf(v);
                    if (!distinct.contains(s)) {
                        distinct.add(s);
                    }
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> apply(Map<String, Object> o, List<String> distinct) {
        if (o == null) {
            return null;
        }
        Map<String, Object> copy = DesiredObjects.deepCopy(o);
        for (String field : new String[] {"data", "stringData"}) {
            if (copy.get(field) instanceof Map<?, ?> m) {
                Map<String, Object> masked = new LinkedHashMap<>();
                m.forEach((k, v) -> masked.put(String.valueOf(k), "+".repeat(8 + distinct.indexOf(String.valueOf(v)))));
                copy.put(field, masked);
            }
        }
        if (copy.get("metadata") instanceof Map<?, ?> meta && meta.get("annotations") instanceof Map<?, ?> a
                && a.containsKey(LAST_APPLIED)) {
            ((Map<String, Object>) a).put(LAST_APPLIED, "(masked: may contain secret values)");
        }
        return copy;
    }
}
