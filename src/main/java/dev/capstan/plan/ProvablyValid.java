package dev.capstan.plan;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whether the API server's own validation of a new object is reproduced here and passes,
 * so that its dry-run can teach nothing a create would not. Only kinds whose whole
 * validation is small and fixed qualify (core/v1 ConfigMap, Secret, ServiceAccount), and
 * only in the shapes checked below: every other field, metadata key, Secret type or size
 * near a limit answers "not proven", never "invalid". The verdict is a license to skip a
 * request, so an unknown is always a no; the dry-run then says what is wrong, in the
 * server's words. Admission (webhooks, policies, quota, RBAC) is outside this class:
 * the applier asks the cluster about it.
 */
public final class ProvablyValid {

    /** Well below the server's 1 MiB for data and 256 KiB for annotations, leaving room for what it adds. */
    private static final int DATA_BUDGET = 512 * 1024;
    private static final int ANNOTATION_BUDGET = 128 * 1024;
    private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern DATA_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    private static final Set<String> METADATA = Set.of("name", "namespace", "labels", "annotations");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "ConfigMap", Set.of("apiVersion", "kind", "metadata", "data", "binaryData", "immutable"),
            "Secret", Set.of("apiVersion", "kind", "metadata", "data", "stringData", "type", "immutable"),
            "ServiceAccount", Set.of("apiVersion", "kind", "metadata", "automountServiceAccountToken", "imagePullSecrets"));

    private ProvablyValid() {
    }

    /** The kinds this class can judge, by resource (plural) name: what admission rules and RBAC speak of. */
    public static String resource(ObjectRef ref) {
        return switch (ref.group().isEmpty() ? ref.kind() : "") {
            case "ConfigMap" -> "configmaps";
            case "Secret" -> "secrets";
            case "ServiceAccount" -> "serviceaccounts";
            default -> null;
        };
    }

    /** True only when the server's validation of this object as a create is known to pass. */
    public static boolean asCreate(DesiredObject o) {
        Map<String, Object> body = o.body();
        String kind = o.ref().kind();
        if (resource(o.ref()) == null || !"v1".equals(o.apiVersion()) || !kind.equals(body.get("kind"))
                || !FIELDS.get(kind).containsAll(body.keySet()) || !metadata(body.get("metadata"), o.ref())) {
            return false;
        }
        if (body.containsKey("immutable") && !(body.get("immutable") instanceof Boolean)) {
            return false;
        }
        return switch (kind) {
            case "ConfigMap" -> configMap(body);
            case "Secret" -> secret(body);
            default -> serviceAccount(body);
        };
    }

    private static boolean metadata(Object value, ObjectRef ref) {
        if (!(value instanceof Map<?, ?> meta) || !METADATA.containsAll(meta.keySet())) {
            return false;
        }
        String name = ref.name();
        if (!name.equals(meta.get("name")) || !DnsNames.isSubdomain(name)
                || !ref.namespace().equals(meta.get("namespace")) || !DnsNames.isLabel(ref.namespace())) {
            return false;
        }
        if (meta.get("labels") != null && !(stringMap(meta.get("labels")) && labels((Map<?, ?>) meta.get("labels")))) {
            return false;
        }
        return meta.get("annotations") == null || stringMap(meta.get("annotations")) && annotations((Map<?, ?>) meta.get("annotations"));
    }

    private static boolean labels(Map<?, ?> labels) {
        for (Map.Entry<?, ?> e : labels.entrySet()) {
            String v = (String) e.getValue();
            if (!qualifiedName((String) e.getKey()) || v.length() > 63 || !v.isEmpty() && !QUALIFIED_NAME.matcher(v).matches()) {
                return false;
            }
        }
        return true;
    }

    private static boolean annotations(Map<?, ?> annotations) {
        long size = 0;
        for (Map.Entry<?, ?> e : annotations.entrySet()) {
            String k = (String) e.getKey();
            if (!qualifiedName(k.toLowerCase(java.util.Locale.ROOT))) {
                return false;
            }
            size += utf8(k) + utf8((String) e.getValue());
        }
        return size <= ANNOTATION_BUDGET;
    }

    /** {@code [prefix/]name}: a DNS subdomain prefix, a name of at most 63 characters. */
    private static boolean qualifiedName(String key) {
        int slash = key.indexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            if (!DnsNames.isSubdomain(prefix)) {
                return false;
            }
        }
        return !name.isEmpty() && name.length() <= 63 && QUALIFIED_NAME.matcher(name).matches();
    }

    private static boolean configMap(Map<String, Object> body) {
        Map<?, ?> text = strings(body.get("data"));
        Map<?, ?> bytes = strings(body.get("binaryData"));
        return text != null && bytes != null && text.keySet().stream().noneMatch(bytes::containsKey) && dataKeysAndSize(text, bytes);
    }

    private static boolean secret(Map<String, Object> body) {
        Map<?, ?> encoded = strings(body.get("data"));
        Map<?, ?> plain = strings(body.get("stringData"));
        if (encoded == null || plain == null || !dataKeysAndSize(plain, encoded)) {
            return false;
        }
        Object type = body.get("type");
        if (type == null || "Opaque".equals(type)) {
            return true;
        }
        return switch (String.valueOf(type)) {
            case "kubernetes.io/tls" -> has(encoded, plain, "tls.crt") && has(encoded, plain, "tls.key");
            case "kubernetes.io/basic-auth" -> nonEmpty(encoded, plain, "username") || nonEmpty(encoded, plain, "password");
            case "kubernetes.io/ssh-auth" -> nonEmpty(encoded, plain, "ssh-privatekey");
            default -> false;
        };
    }

    private static boolean has(Map<?, ?> encoded, Map<?, ?> plain, String key) {
        return encoded.containsKey(key) || plain.containsKey(key);
    }

    private static boolean nonEmpty(Map<?, ?> encoded, Map<?, ?> plain, String key) {
        return plain.containsKey(key) ? !((String) plain.get(key)).isEmpty()
                : encoded.containsKey(key) && !((String) encoded.get(key)).isEmpty();
    }

    private static boolean serviceAccount(Map<String, Object> body) {
        Object automount = body.get("automountServiceAccountToken");
        if (automount != null && !(automount instanceof Boolean)) {
            return false;
        }
        Object pullSecrets = body.get("imagePullSecrets");
        if (pullSecrets == null) {
            return true;
        }
        if (!(pullSecrets instanceof List<?> list)) {
            return false;
        }
        return list.stream().allMatch(s -> s instanceof Map<?, ?> m && m.keySet().equals(Set.of("name"))
                && m.get("name") instanceof String n && DnsNames.isSubdomain(n));
    }

    /** Data keys as the server wants them, base64 that decodes, and the whole well under the size limit. */
    private static boolean dataKeysAndSize(Map<?, ?> plain, Map<?, ?> base64) {
        long size = 0;
        for (Map<?, ?> m : List.of(plain, base64)) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = (String) e.getKey();
                String v = (String) e.getValue();
                if (k.length() > 253 || k.equals(".") || k.startsWith("..") || !DATA_KEY.matcher(k).matches()
                        || m == base64 && !paddedBase64(v)) {
                    return false;
                }
                size += k.length() + utf8(v);
            }
        }
        return size <= DATA_BUDGET;
    }

    /** Standard base64 with its padding, as Go's decoder insists; Java's would accept it unpadded. */
    private static boolean paddedBase64(String v) {
        if (v.length() % 4 != 0) {
            return false;
        }
        int padding = v.endsWith("==") ? 2 : v.endsWith("=") ? 1 : 0;
        for (int i = 0; i < v.length() - padding; i++) {
            char c = v.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/')) {
                return false;
            }
        }
        return true;
    }

    /** A map of strings to strings (empty when absent), or null when the value is anything else. */
    private static Map<?, ?> strings(Object value) {
        return value == null ? Map.of() : stringMap(value) ? (Map<?, ?>) value : null;
    }

    private static boolean stringMap(Object value) {
        return value instanceof Map<?, ?> m && m.entrySet().stream()
                .allMatch(e -> e.getKey() instanceof String && e.getValue() instanceof String s && wellFormed(s));
    }

    /** A lone surrogate cannot be sent as UTF-8; what would arrive is not what Git holds. */
    private static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLowSurrogate(c)) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
