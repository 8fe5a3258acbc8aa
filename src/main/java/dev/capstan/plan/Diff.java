package dev.capstan.plan;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one comparison of desired against live: every field Git sets must have the same
 * value live, after normalization; fields only the server sets (defaults, status) are
 * not differences. Normalized today: numbers and quantities by value ({@code 500m} =
 * {@code 0.5}), int-or-string ({@code 80} = {@code "80"}), empty or null = absent, and a
 * Secret's {@code stringData} as the base64 {@code data} the server stores.
 */
public final class Diff {

    private Diff() {
    }

    /** JSON-pointer-like paths ({@code /spec/replicas}) where live differs from desired; empty when in sync. */
    public static List<String> changedPaths(Map<String, Object> desired, Map<String, Object> live) {
        List<String> paths = new ArrayList<>();
        Map<String, Object> d = "Secret".equals(desired.get("kind")) ? secretAsStored(desired) : desired;
        compare("", d, live, paths);
        paths.remove("/status");
        paths.removeIf(p -> p.startsWith("/status/"));
        return paths;
    }

    private static void compare(String path, Object desired, Object live, List<String> out) {
        if (isEmpty(desired)) {
            if (!isEmpty(live) && desired != null && !(desired instanceof Map || desired instanceof List)) {
                out.add(path.isEmpty() ? "/" : path);
            }
            return;
        }
        if (desired instanceof Map<?, ?> dm) {
            if (!(live instanceof Map<?, ?> lm)) {
                out.add(path);
                return;
            }
            for (Map.Entry<?, ?> e : dm.entrySet()) {
                String key = String.valueOf(e.getKey());
                if (path.isEmpty() && key.equals("status")) {
                    continue;
                }
                compare(path + "/" + escape(key), e.getValue(), lm.get(key), out);
            }
            return;
        }
        if (desired instanceof List<?> dl) {
            if (!(live instanceof List<?> ll) || ll.size() != dl.size()) {
                out.add(path);
                return;
            }
            for (int i = 0; i < dl.size(); i++) {
                compare(path + "/" + i, dl.get(i), ll.get(i), out);
            }
            return;
        }
        if (!scalarEquals(desired, live)) {
            out.add(path);
        }
    }

    private static boolean isEmpty(Object v) {
        return v == null || (v instanceof Map<?, ?> m && m.isEmpty()) || (v instanceof List<?> l && l.isEmpty())
                || (v instanceof String s && s.isEmpty());
    }

    static boolean scalarEquals(Object desired, Object live) {
        if (desired.equals(live)) {
            return true;
        }
        if (live == null || desired instanceof Boolean || live instanceof Boolean) {
            return false;
        }
        if (desired.toString().equals(live.toString())) {
            return true;
        }
        BigDecimal a = Quantities.parse(desired);
        BigDecimal b = Quantities.parse(live);
        return a != null && b != null && a.compareTo(b) == 0;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> secretAsStored(Map<String, Object> secret) {
        if (!(secret.get("stringData") instanceof Map<?, ?> stringData)) {
            return secret;
        }
        Map<String, Object> copy = new LinkedHashMap<>(secret);
        Map<String, Object> data = secret.get("data") instanceof Map<?, ?> m
                ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
        stringData.forEach((k, v) -> data.put(String.valueOf(k),
                Base64.getEncoder().encodeToString(String.valueOf(v).getBytes(StandardCharsets.UTF_8))));
        copy.remove("stringData");
        copy.put("data", data);
        return copy;
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
