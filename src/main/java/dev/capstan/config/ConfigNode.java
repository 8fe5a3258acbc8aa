package dev.capstan.config;

import dev.capstan.yaml.YamlDocument;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A strict reader over one map of the config file: every value is read by key path,
 * every problem is collected (not thrown) with {@code file:line: path}, and keys nobody
 * asked for are reported, because a misspelt key silently ignored is a production outage.
 */
final class ConfigNode {

    private final String file;
    private final YamlDocument doc;
    private final String path;
    private final Map<?, ?> map;
    private final List<String> problems;

    ConfigNode(String file, YamlDocument doc, String path, Map<?, ?> map, List<String> problems) {
        this.file = file;
        this.doc = doc;
        this.path = path;
        this.map = map;
        this.problems = problems;
    }

    /** {@code file:line: }, or {@code file: } for data that has no lines (an Application resource). */
    private String where(Map<?, ?> m) {
        int line = doc.lineOf(m);
        return file + (line > 0 ? ":" + line : "") + ": ";
    }

    String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    void problem(String key, String message) {
        problems.add(where(map) + (key == null ? path : path(key)) + ": " + message);
    }

    /** Reports every key that is not in {@code known}. */
    void allowOnly(String... known) {
        Set<String> allowed = Set.of(known);
        for (Object key : map.keySet()) {
            if (!allowed.contains(String.valueOf(key))) {
                problem(String.valueOf(key), "unknown key; known keys here: " + String.join(", ", new TreeSet<>(allowed)));
            }
        }
    }

    Optional<String> string(String key) {
        Object v = map.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Map || v instanceof List) {
            problem(key, "must be a string");
            return Optional.empty();
        }
        return Optional.of(String.valueOf(v));
    }

    String requiredString(String key) {
        Optional<String> v = string(key);
        if (v.isEmpty() || v.get().isBlank()) {
            if (!map.containsKey(key) || map.get(key) == null) {
                problem(key, "required");
            } else if (v.isPresent()) {
                problem(key, "must not be empty");
            }
            return null;
        }
        return v.get();
    }

    boolean bool(String key, boolean dflt) {
        Object v = map.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Boolean b)) {
            problem(key, "must be true or false, not \"" + v + "\"");
            return dflt;
        }
        return b;
    }

    long integer(String key, long dflt, long min, long max) {
        Object v = map.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Long n) || n < min || n > max) {
            problem(key, "must be a whole number from " + min + " to " + max + ", not \"" + v + "\"");
            return dflt;
        }
        return n;
    }

    Duration duration(String key, Duration dflt, Duration min) {
        Optional<String> v = string(key);
        if (v.isEmpty()) {
            return dflt;
        }
        try {
            Duration d = Durations.parse(v.get());
            if (d.compareTo(min) < 0) {
                problem(key, "must be at least " + Durations.format(min) + ", not " + v.get());
                return dflt;
            }
            return d;
        } catch (IllegalArgumentException e) {
            problem(key, e.getMessage());
            return dflt;
        }
    }

    /** The nested map at {@code key}, or an empty one (so defaults apply) when absent. */
    ConfigNode child(String key) {
        Object v = map.get(key);
        if (v != null && !(v instanceof Map)) {
            problem(key, "must be a map");
        }
        return new ConfigNode(file, doc, path(key), v instanceof Map<?, ?> m ? m : Map.of(), problems);
    }

    boolean has(String key) {
        return map.get(key) != null;
    }

    /** A list of strings at {@code key} (empty when absent). */
    List<String> stringList(String key) {
        Object v = map.get(key);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof List<?> items)) {
            problem(key, "must be a list");
            return out;
        }
        for (Object item : items) {
            if (item instanceof Map || item instanceof List) {
                problem(key, "must be a list of strings");
            } else {
                out.add(String.valueOf(item));
            }
        }
        return out;
    }

    /** The free-form map at {@code key} (Helm values), keys as strings; empty when absent. */
    @SuppressWarnings("unchecked")
    Map<String, Object> map(String key) {
        Object v = map.get(key);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            problem(key, "must be a map");
            return Map.of();
        }
        return (Map<String, Object>) m;
    }

    /** Each map of the list at {@code key}. */
    List<ConfigNode> list(String key) {
        Object v = map.get(key);
        List<ConfigNode> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof List<?> items)) {
            problem(key, "must be a list");
            return out;
        }
        for (int i = 0; i < items.size(); i++) {
            String p = path(key) + "[" + i + "]";
            if (items.get(i) instanceof Map<?, ?> m) {
                out.add(new ConfigNode(file, doc, p, m, problems));
            } else {
                problems.add(where(map) + p + ": must be a map");
            }
        }
        return out;
    }
}
