package dev.capstan.apply;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Removes a Secret's values from text that may echo them (API server error messages),
 * so no secret value reaches logs, status or metrics.
 */
final class SecretRedactor {

    private SecretRedactor() {
    }

    static String redact(Map<String, Object> object, String text) {
        if (text == null || !"Secret".equals(object.get("kind"))) {
            return text;
        }
        List<String> values = new ArrayList<>();
        collect(object.get("data"), values, true);
        collect(object.get("stringData"), values, false);
        String out = text;
        for (String v : values) {
            if (v.length() >= 3) {
                out = out.replace(v, "***");
            }
        }
        return out;
    }

    private static void collect(Object map, List<String> values, boolean base64) {
        if (!(map instanceof Map<?, ?> m)) {
            return;
        }
        for (Object v : m.values()) {
            if (v == null) {
                continue;
            }
            String s = String.valueOf(v);
            values.add(s);
            if (base64) {
                try {
                    values.add(new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    // not base64: the raw value is already listed
                }
            } else {
                values.add(Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
            }
        }
    }
}
