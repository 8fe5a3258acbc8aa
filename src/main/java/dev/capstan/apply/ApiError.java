package dev.capstan.apply;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An API server's refusal cut to what a person needs: the field paths and the reason
 * ({@code spec.template: field is immutable}), never the struct dump the server echoes
 * ({@code Invalid value: {"labels":...,"Spec":{"Volumes":null,...}}}), never a Secret's
 * value, with the way out where there is one. Also says whether retrying can help
 * without a new commit.
 *
 * @param text one line for status, logs and Events
 * @param permanent the request cannot succeed until the object in Git changes (invalid, immutable)
 * @param immutable the refusal is only about fields that cannot change in place
 */
public record ApiError(String text, boolean permanent, boolean immutable) {

    /** The object prefix the server puts before its reason: {@code Job.batch "migrate" is invalid: }. */
    private static final Pattern OBJECT_PREFIX = Pattern.compile("^[\\w.-]+ \"[^\"]*\" is (invalid|forbidden): ");
    private static final Pattern IMMUTABLE = Pattern.compile("immutable|may not change once set|updates to [a-z]+ spec for fields other than");
    private static final int MAX_VALUE = 40;
    private static final int MAX_TEXT = 400;

    public static ApiError of(KubernetesClientException e, Map<String, Object> object) {
        Status status = e.getStatus();
        if (status == null || status.getMessage() == null) {
            String cause = e.getCause() != null && e.getCause().getMessage() != null ? ": " + e.getCause().getMessage() : "";
            return new ApiError(SecretRedactor.redact(object, "HTTP " + e.getCode() + cause), false, false);
        }
        List<String[]> causes = new ArrayList<>();
        if (status.getDetails() != null && status.getDetails().getCauses() != null) {
            for (StatusCause c : status.getDetails().getCauses()) {
                causes.add(new String[] {c.getField(), c.getReason(), c.getMessage()});
            }
        }
        return describe(e.getCode(), status.getReason(), status.getMessage(), causes, "Secret".equals(object.get("kind")), object);
    }

    /**
     * @param causes field, reason, message of each cause the server listed
     * @param secret the object is a Secret: no value is ever shown
     */
    static ApiError describe(int code, String reason, String message, List<String[]> causes, boolean secret,
                             Map<String, Object> object) {
        String text;
        boolean immutable = false;
        if (code == 422 && !causes.isEmpty()) {
            Set<String> parts = new LinkedHashSet<>();
            boolean allImmutable = true;
            for (String[] c : causes) {
                String explained = explain(c[2], secret);
                boolean isImmutable = IMMUTABLE.matcher(explained).find();
                allImmutable &= isImmutable;
                parts.add((c[0] == null || c[0].isEmpty() ? "" : c[0] + ": ") + explained);
            }
            immutable = allImmutable;
            text = String.join("; ", parts);
        } else if (code == 409 && message.startsWith("Apply failed with")) {
            text = message + "; another field manager owns these fields: take them over with apply.forceConflicts: true, "
                    + "or leave them out of Git";
        } else {
            text = OBJECT_PREFIX.matcher(message).replaceFirst(m -> m.group(1).equals("forbidden") ? "forbidden: " : "");
            if (code == 422 || code == 400) {
                Matcher inline = Pattern.compile("Invalid value: ").matcher(text);
                if (inline.find()) {
                    text = text.substring(0, inline.start()) + explain(text.substring(inline.start()), secret);
                }
                immutable = IMMUTABLE.matcher(text).find();
            }
        }
        text = SecretRedactor.redact(object, text);
        if (text.length() > MAX_TEXT) {
            text = text.substring(0, MAX_TEXT) + " ...";
        }
        boolean undecodable = DryRunRetry.undecodable(code, message);
        if (undecodable) {
            text += "; the manifest does not fit the API's schema (a field of the wrong type, an unknown field, or bad base64)";
        }
        return new ApiError(text, code == 422 || code == 400 || undecodable, immutable);
    }

    /**
     * A cause's message without the value the server echoes when it is long, a struct or
     * list (a dump of the object's internals), or secret: {@code Invalid value: {"labels":...}: field is immutable} becomes
     * {@code field is immutable}; {@code Invalid value: -1: must be ...} keeps its short value.
     */
    static String explain(String message, boolean secret) {
        if (message == null) {
            return "";
        }
        if (message.startsWith("Forbidden: ")) {
            return message.substring("Forbidden: ".length());
        }
        if (message.startsWith("Required value")) {
            return "required" + message.substring("Required value".length());
        }
        if (!message.startsWith("Invalid value: ")) {
            return message;
        }
        String rest = message.substring("Invalid value: ".length());
        int end = endOfValue(rest);
        if (end < 0) {
            return message.length() > MAX_VALUE && !secret ? "invalid value" : message;
        }
        String value = rest.substring(0, end);
        String why = rest.substring(end + 2);
        boolean composite = value.contains("{") || value.contains("[");
        return secret || composite || value.length() > MAX_VALUE ? why : value + ": " + why;
    }

    /** Where the echoed value ends: the first ": " outside quotes and brackets, or -1. */
    private static int endOfValue(String s) {
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < s.length() - 1; i++) {
            char ch = s.charAt(i);
            if (quoted) {
                if (ch == '\\') {
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == '{' || ch == '[' || ch == '(') {
                depth++;
            } else if (ch == '}' || ch == ']' || ch == ')') {
                depth--;
            } else if (depth == 0 && ch == ':' && s.charAt(i + 1) == ' ') {
                return i;
            }
        }
        return -1;
    }
}
