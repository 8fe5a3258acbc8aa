package dev.capstan.health;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Read-only, null-safe access to a Kubernetes object as plain data, so health checks
 * read like the status fields they test: {@code o.integer("status.readyReplicas")}.
 */
public record Obj(Map<String, Object> data) {

    public Object get(String path) {
        Object cur = data;
        for (String key : path.split("\\.")) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(key);
        }
        return cur;
    }

    public String string(String path) {
        Object v = get(path);
        return v == null ? null : String.valueOf(v);
    }

    /** A whole number at path, or {@code dflt} when absent or not a number. */
    public long integer(String path, long dflt) {
        Object v = get(path);
        if (v instanceof Number n) {
            return n.longValue();
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return dflt;
            }
        }
        return dflt;
    }

    public boolean has(String path) {
        return get(path) != null;
    }

    public boolean bool(String path) {
        Object v = get(path);
        return Boolean.TRUE.equals(v) || "true".equals(v);
    }

    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> list(String path) {
        Object v = get(path);
        if (!(v instanceof List<?> l)) {
            return List.of();
        }
        return l.stream().filter(Map.class::isInstance).map(x -> (Map<String, Object>) x).toList();
    }

    /** The status condition of a type, if present. */
    public Optional<Condition> condition(String type) {
        return list("status.conditions").stream().filter(c -> type.equals(c.get("type"))).findFirst()
                .map(c -> new Condition(type, str(c.get("status")), str(c.get("reason")), str(c.get("message"))));
    }

    public String kind() {
        return string("kind");
    }

    private static String str(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    /** One entry of {@code status.conditions}. */
    public record Condition(String type, String status, String reason, String message) {
        public boolean isTrue() {
            return "True".equals(status);
        }

        public boolean isFalse() {
            return "False".equals(status);
        }

        /** "reason: message", or whichever is present. */
        public String describe() {
            if (reason.isEmpty()) {
                return message;
            }
            return message.isEmpty() ? reason : reason + ": " + message;
        }
    }
}
