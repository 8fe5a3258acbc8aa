package dev.capstan.plan;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one comparison of desired against live, used by plan, drift, status and the CLI:
 * every field Git sets must have the same value live, after normalization; fields only
 * the server or other controllers set are not differences. Normalized: numbers and
 * quantities by value ({@code 500m} = {@code 0.5}, {@code 1Gi} = {@code 1073741824}),
 * int-or-string ({@code 80} = {@code "80"}), empty or null = absent, a Secret's
 * {@code stringData} as the base64 {@code data} the server stores, list items with a
 * merge key (containers, env, volumes, ports) matched by key rather than position (so an
 * injected sidecar is not drift), and the rules of an aggregated ClusterRole (its
 * controller's, not Git's). Per-app ignore rules remove paths by JSON pointer.
 */
public final class Diff {

    private Diff() {
    }

    /** JSON-pointer paths ({@code /spec/replicas}) where live differs from desired; empty when in sync. */
    public static List<String> changedPaths(Map<String, Object> desired, Map<String, Object> live) {
        return changedPaths(desired, live, List.of());
    }

    /** As {@link #changedPaths(Map, Map)}, leaving out paths at or under any of {@code ignored} (JSON pointers). */
    public static List<String> changedPaths(Map<String, Object> desired, Map<String, Object> live, List<String> ignored) {
        List<String> paths = new ArrayList<>();
        compare("", normalize(desired), live, paths);
        paths.removeIf(p -> p.equals("/status") || p.startsWith("/status/"));
        paths.removeIf(p -> ignored.stream().anyMatch(i -> p.equals(i) || p.startsWith(i.endsWith("/") ? i : i + "/")));
        return paths;
    }

    /** Desired as the server would store it (Secret stringData as data; aggregated rules dropped). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> normalize(Map<String, Object> desired) {
        Map<String, Object> d = desired;
        if ("Secret".equals(d.get("kind")) && d.get("stringData") instanceof Map<?, ?> stringData) {
            d = new LinkedHashMap<>(d);
            Map<String, Object> data = d.get("data") instanceof Map<?, ?> m
                    ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
            stringData.forEach((k, v) -> data.put(String.valueOf(k),
                    Base64.getEncoder().encodeToString(String.valueOf(v).getBytes(StandardCharsets.UTF_8))));
            d.remove("stringData");
            d.put("data", data);
        }
        if ("ClusterRole".equals(d.get("kind")) && d.get("aggregationRule") != null) {
            d = new LinkedHashMap<>(d);
            d.remove("rules");
        }
        return d;
    }

    /**
     * The live object cut to the fields desired sets (list items matched as in the
     * comparison), so a rendered diff shows what Git manages, not what the server added.
     */
    public static Object project(Object desired, Object live) {
        if (desired instanceof Map<?, ?> dm && live instanceof Map<?, ?> lm) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : dm.entrySet()) {
                String key = String.valueOf(e.getKey());
                if (lm.containsKey(key) && !key.equals("status")) {
                    out.put(key, project(e.getValue(), lm.get(key)));
                }
            }
            return out;
        }
        if (desired instanceof List<?> dl && live instanceof List<?> ll) {
            String key = mergeKey(dl);
            List<Object> out = new ArrayList<>();
            if (key != null) {
                for (Object d : dl) {
                    Object match = find(ll, key, ((Map<?, ?>) d).get(key));
                    if (match != null) {
                        out.add(project(d, match));
                    }
                }
                return out;
            }
            for (int i = 0; i < ll.size(); i++) {
                out.add(i < dl.size() ? project(dl.get(i), ll.get(i)) : ll.get(i));
            }
            return out;
        }
        return live;
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
            compareLists(path, dl, live, out);
            return;
        }
        if (!scalarEquals(desired, live)) {
            out.add(path);
        }
    }

    private static void compareLists(String path, List<?> desired, Object live, List<String> out) {
        if (!(live instanceof List<?> ll)) {
            out.add(path);
            return;
        }
        String key = mergeKey(desired);
        if (key != null) {
            for (int i = 0; i < desired.size(); i++) {
                Map<?, ?> d = (Map<?, ?>) desired.get(i);
                Object match = find(ll, key, d.get(key));
                if (match == null) {
                    out.add(path + "/" + i);
                } else {
                    compare(path + "/" + i, d, match, out);
                }
            }
            return;
        }
        if (ll.size() != desired.size()) {
            out.add(path);
            return;
        }
        for (int i = 0; i < desired.size(); i++) {
            compare(path + "/" + i, desired.get(i), ll.get(i), out);
        }
    }

    /** The merge key Kubernetes uses for such a list, when every item has it (name, containerPort, port, ip, mountPath). */
    private static String mergeKey(List<?> items) {
        if (items.isEmpty() || !items.stream().allMatch(i -> i instanceof Map)) {
            return null;
        }
        for (String key : new String[] {"name", "containerPort", "port", "ip", "mountPath", "devicePath"}) {
            if (items.stream().allMatch(i -> ((Map<?, ?>) i).get(key) != null)
                    && items.stream().map(i -> String.valueOf(((Map<?, ?>) i).get(key))).distinct().count() == items.size()) {
                return key;
            }
        }
        return null;
    }

    private static Object find(List<?> live, String key, Object value) {
        for (Object l : live) {
            if (l instanceof Map<?, ?> m && m.get(key) != null && scalarEquals(value, m.get(key))) {
                return l;
            }
        }
        return null;
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

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
