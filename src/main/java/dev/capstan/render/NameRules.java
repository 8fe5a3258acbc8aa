package dev.capstan.render;

import dev.capstan.plan.DnsNames;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The API server's rules for object names, so a bad name is caught in review rather than
 * half-way through a sync. Most kinds need a DNS-1123 subdomain; Namespaces a DNS-1123
 * label; Services a DNS-1035 label; RBAC kinds (and, leniently, unknown kinds) only a path
 * segment, which allows names such as {@code system:aggregate-to-view}.
 */
final class NameRules {

    private static final Pattern LABEL_1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Set<String> PATH_SEGMENT_KINDS = Set.of(
            "rbac.authorization.k8s.io/Role", "rbac.authorization.k8s.io/ClusterRole",
            "rbac.authorization.k8s.io/RoleBinding", "rbac.authorization.k8s.io/ClusterRoleBinding");

    private NameRules() {
    }

    /** Why {@code name} is not a valid name for this kind, or empty. */
    static Optional<String> checkName(String group, String kind, String name, boolean knownKind) {
        String gk = group + "/" + kind;
        if ("/Namespace".equals(gk)) {
            return label1123(name, "a Namespace name");
        }
        if ("/Service".equals(gk)) {
            if (name.length() > 63 || !LABEL_1035.matcher(name).matches()) {
                return Optional.of("invalid name \"" + name + "\": a Service name must be a DNS-1035 label "
                        + "(at most 63 lower-case letters, digits or '-', starting with a letter)");
            }
            return Optional.empty();
        }
        if (PATH_SEGMENT_KINDS.contains(gk) || !knownKind) {
            return pathSegment(name);
        }
        if (!DnsNames.isSubdomain(name)) {
            return Optional.of("invalid name \"" + name + "\": must be a DNS-1123 subdomain "
                    + "(at most 253 lower-case letters, digits, '-' or '.', starting and ending with a letter or digit)");
        }
        return Optional.empty();
    }

    /** Why {@code ns} is not a valid namespace, or empty. */
    static Optional<String> checkNamespace(String ns) {
        return label1123(ns, "metadata.namespace");
    }

    private static Optional<String> label1123(String value, String what) {
        if (!DnsNames.isLabel(value)) {
            return Optional.of("invalid " + (what.startsWith("metadata") ? what : "name") + " \"" + value + "\": "
                    + what + " must be a DNS-1123 label (at most 63 lower-case letters, digits or '-', "
                    + "starting and ending with a letter or digit)");
        }
        return Optional.empty();
    }

    private static Optional<String> pathSegment(String name) {
        if (name.equals(".") || name.equals("..") || name.contains("/") || name.contains("%")) {
            return Optional.of("invalid name \"" + name + "\": may not be '.' or '..' nor contain '/' or '%'");
        }
        return Optional.empty();
    }
}
