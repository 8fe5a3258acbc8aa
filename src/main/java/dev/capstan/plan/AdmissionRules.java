package dev.capstan.plan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which creates of namespaced core/v1 resources the cluster's admission could still refuse
 * after {@link ProvablyValid} passed: those some webhook configuration or admission policy
 * has a rule for, and those a ResourceQuota counts. Reading is deliberately coarse, in the
 * direction of caution: selectors, match conditions, bindings and failure policies are not
 * evaluated, so a rule that might apply is taken to apply. A shape not understood matches
 * everything.
 */
public final class AdmissionRules {

    private AdmissionRules() {
    }

    /**
     * @param configurations Validating/MutatingWebhookConfigurations and Validating/MutatingAdmissionPolicies, as plain data
     * @param resources plural names in the core group, such as {@code configmaps}
     * @return those of {@code resources} that some rule could match for CREATE
     */
    public static Set<String> matched(List<Map<String, Object>> configurations, Set<String> resources) {
        Set<String> matched = new HashSet<>();
        for (Map<String, Object> c : configurations) {
            for (Object rule : rules(c)) {
                for (String r : resources) {
                    if (!(rule instanceof Map<?, ?> m) || matches(m, r)) {
                        matched.add(r);
                    }
                }
            }
        }
        return matched;
    }

    /** Those of {@code resources} a ResourceQuota counts ({@code configmaps}, {@code count/configmaps}), and so could refuse. */
    public static Set<String> counted(Map<String, Object> quota, Set<String> resources) {
        if (!(quota.get("spec") instanceof Map<?, ?> spec) || spec.get("hard") == null) {
            return Set.of();
        }
        if (!(spec.get("hard") instanceof Map<?, ?> hard)) {
            return resources;
        }
        Set<String> counted = new HashSet<>();
        for (Object key : hard.keySet()) {
            String k = String.valueOf(key);
            resources.stream().filter(r -> k.equals(r) || k.startsWith("count/" + r)).forEach(counted::add);
        }
        return counted;
    }

    /** The rules of a webhook configuration (of all its webhooks) or of a policy; a null rule stands for "not understood". */
    private static List<Object> rules(Map<String, Object> configuration) {
        List<Object> rules = new ArrayList<>();
        if (configuration.containsKey("webhooks")) {
            Object hooks = configuration.get("webhooks");
            if (hooks != null && !(hooks instanceof List<?>)) {
                rules.add(null);
            }
            for (Object hook : hooks instanceof List<?> list ? list : List.of()) {
                Object hookRules = hook instanceof Map<?, ?> m ? m.get("rules") : hook;
                if (hookRules instanceof List<?> l) {
                    rules.addAll(l);
                } else if (hookRules != null) {
                    rules.add(null);
                }
            }
        } else if (configuration.get("spec") instanceof Map<?, ?> spec && spec.get("matchConstraints") instanceof Map<?, ?> match
                && match.get("resourceRules") instanceof List<?> policyRules) {
            rules.addAll(policyRules);
        } else {
            rules.add(null);
        }
        return rules;
    }

    private static boolean matches(Map<?, ?> rule, String resource) {
        if ("Cluster".equals(rule.get("scope"))) {
            return false;
        }
        return anyOf(rule.get("apiGroups"), "") && anyOf(rule.get("apiVersions"), "v1")
                && anyOf(rule.get("operations"), "CREATE") && resources(rule.get("resources"), resource);
    }

    private static boolean anyOf(Object values, String wanted) {
        return !(values instanceof List<?> list) || list.contains("*") || list.contains(wanted);
    }

    private static boolean resources(Object values, String resource) {
        if (!(values instanceof List<?> list)) {
            return true;
        }
        return list.stream().map(String::valueOf).anyMatch(r -> r.startsWith("*") || r.equals(resource) || r.startsWith(resource + "/"));
    }
}
