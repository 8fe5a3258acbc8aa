package dev.capstan.plan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a rendered manifest into the object Capstan applies (pure: no I/O). */
public final class DesiredObjects {

    private DesiredObjects() {
    }

    /**
     * @param ref identity with the namespace already decided (empty for cluster-scoped kinds)
     * @throws IllegalArgumentException when {@code capstan.dev/depends-on} cannot be read
     */
    public static DesiredObject prepare(String app, ObjectRef ref, String apiVersion, Map<String, Object> manifest,
                                        String origin) {
        Map<String, Object> body = deepCopy(manifest);
        Map<String, Object> meta = child(body, "metadata");
        if (!ref.namespace().isEmpty()) {
            meta.put("namespace", ref.namespace());
        } else {
            meta.remove("namespace");
        }
        defaultProtocols(body);
        Map<String, Object> labels = child(meta, "labels");
        labels.put(Ownership.MANAGED_BY_LABEL, Ownership.MANAGED_BY);
        labels.put(Ownership.APP_LABEL, Ownership.appLabel(app));
        Map<String, Object> annotations = child(meta, "annotations");
        annotations.put(Ownership.TRACKING_ID, Ownership.trackingId(app, ref));
        annotations.remove(Ownership.APPLIED_HASH);
        List<ObjectRef> dependsOn = parseDependsOn(annotations.get(Ownership.DEPENDS_ON), ref.namespace());
        int wave = parseWave(annotations.get(Ownership.WAVE));
        Hooks.of(body); // a misspelt hook phase or delete policy is an error at render, not a surprise at sync
        String hash = sha256(Json.canonical(body));
        annotations.put(Ownership.APPLIED_HASH, hash);
        return new DesiredObject(ref, apiVersion, body, hash, origin, dependsOn, wave);
    }

    static int parseWave(Object value) {
        if (value == null) {
            return 0;
        }
        try {
            return Integer.parseInt(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("annotation " + Ownership.WAVE + ": \"" + value
                    + "\" is not a whole number (write it quoted, e.g. \"1\")");
        }
    }

    /**
     * Sets {@code protocol: TCP} on container and Service ports that leave it out. The
     * server defaults it too, but server-side apply before Kubernetes 1.21 rejects list
     * items that omit a key field ("associative list with keys has an element that omits
     * key field protocol"); Flux applies the same default for the same reason.
     */
    @SuppressWarnings("unchecked")
    static void defaultProtocols(Object node) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                if ((key.equals("containers") || key.equals("initContainers") || key.equals("ephemeralContainers"))
                        && e.getValue() instanceof List<?> containers) {
                    for (Object c : containers) {
                        if (c instanceof Map<?, ?> container) {
                            tcpByDefault(container.get("ports"));
                        }
                    }
                } else {
                    defaultProtocols(e.getValue());
                }
            }
            if ("Service".equals(map.get("kind")) && map.get("spec") instanceof Map<?, ?> spec) {
                tcpByDefault(spec.get("ports"));
            }
        } else if (node instanceof List<?> list) {
            list.forEach(DesiredObjects::defaultProtocols);
        }
    }

    @SuppressWarnings("unchecked")
    private static void tcpByDefault(Object ports) {
        if (ports instanceof List<?> list) {
            for (Object p : list) {
                if (p instanceof Map<?, ?> port && port.get("protocol") == null) {
                    ((Map<String, Object>) port).put("protocol", "TCP");
                }
            }
        }
    }

    /** {@code Kind/ns/name} or {@code Kind/name}, comma-separated; a two-part ref is looked up in the object's namespace first. */
    static List<ObjectRef> parseDependsOn(Object value, String namespace) {
        List<ObjectRef> refs = new ArrayList<>();
        if (value == null) {
            return refs;
        }
        for (String item : String.valueOf(value).split(",")) {
            String s = item.trim();
            if (s.isEmpty()) {
                continue;
            }
            String[] parts = s.split("/");
            if (parts.length == 3) {
                refs.add(new ObjectRef("", parts[0], parts[1], parts[2]));
            } else if (parts.length == 2) {
                refs.add(new ObjectRef("", parts[0], namespace, parts[1]));
            } else {
                throw new IllegalArgumentException("annotation " + Ownership.DEPENDS_ON + ": \"" + s
                        + "\" is not Kind/namespace/name or Kind/name");
            }
        }
        return refs;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> child(Map<String, Object> parent, String key) {
        Object v = parent.get(key);
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        Map<String, Object> created = new LinkedHashMap<>();
        parent.put(key, created);
        return created;
    }

    @SuppressWarnings("unchecked")
    static <T> T deepCopy(T value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), deepCopy(v)));
            return (T) copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(deepCopy(v)));
            return (T) copy;
        }
        return value;
    }

    static String sha256(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
