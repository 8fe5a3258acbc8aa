package dev.capstan.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdmissionRulesTest {

    private static final Set<String> CORE = Set.of("configmaps", "secrets", "serviceaccounts");

    private static Map<String, Object> webhook(Map<String, Object> rule) {
        return Map.of("kind", "ValidatingWebhookConfiguration", "webhooks", List.of(Map.of("name", "w", "rules", List.of(rule))));
    }

    private static Map<String, Object> rule(List<String> groups, List<String> ops, List<String> resources) {
        return Map.of("apiGroups", groups, "apiVersions", List.of("*"), "operations", ops, "resources", resources);
    }

    @Test
    void aRuleForTheResourceOrAWildcardMatches() {
        assertEquals(Set.of("configmaps"), AdmissionRules.matched(List.of(webhook(rule(List.of(""), List.of("CREATE"),
                List.of("configmaps")))), CORE));
        assertEquals(CORE, AdmissionRules.matched(List.of(webhook(rule(List.of("*"), List.of("*"), List.of("*")))), CORE));
        assertEquals(Set.of("secrets"), AdmissionRules.matched(List.of(webhook(rule(List.of(""), List.of("CREATE"),
                List.of("secrets/*")))), CORE), "a subresource rule is taken to match, in doubt");
    }

    @Test
    void rulesForOtherGroupsOperationsOrScopesDoNot() {
        assertEquals(Set.of(), AdmissionRules.matched(List.of(webhook(rule(List.of("apps"), List.of("CREATE"), List.of("*")))), CORE));
        assertEquals(Set.of(), AdmissionRules.matched(List.of(webhook(rule(List.of(""), List.of("UPDATE", "DELETE"),
                List.of("configmaps")))), CORE));
        assertEquals(Set.of(), AdmissionRules.matched(List.of(webhook(Map.of("apiGroups", List.of("*"), "apiVersions", List.of("*"),
                "operations", List.of("*"), "resources", List.of("*"), "scope", "Cluster"))), CORE));
        assertEquals(Set.of(), AdmissionRules.matched(List.of(Map.of("webhooks", List.of(Map.of("name", "no-rules")))), CORE));
    }

    @Test
    void policiesAreReadFromTheirMatchConstraintsAndAnUnknownShapeMatchesAll() {
        Map<String, Object> policy = Map.of("kind", "ValidatingAdmissionPolicy", "spec", Map.of("matchConstraints",
                Map.of("resourceRules", List.of(rule(List.of(""), List.of("CREATE", "UPDATE"), List.of("serviceaccounts"))))));
        assertEquals(Set.of("serviceaccounts"), AdmissionRules.matched(List.of(policy), CORE));
        assertEquals(CORE, AdmissionRules.matched(List.of(Map.of("kind", "MutatingAdmissionPolicy", "spec", Map.of())), CORE));
        assertEquals(CORE, AdmissionRules.matched(List.of(Map.of("webhooks", List.of(Map.of("rules", "?")))), CORE));
    }

    @Test
    void aQuotaBlocksOnlyWhatItCounts() {
        Map<String, Object> quota = Map.of("spec", Map.of("hard", Map.of("requests.cpu", "4", "count/configmaps", "10")));
        assertEquals(Set.of("configmaps"), AdmissionRules.counted(quota, CORE));
        assertEquals(Set.of("secrets"), AdmissionRules.counted(Map.of("spec", Map.of("hard", Map.of("secrets", "5"))), CORE));
        assertEquals(Set.of(), AdmissionRules.counted(Map.of("spec", Map.of("hard", Map.of("pods", "5"))), CORE));
    }
}
