package dev.capstan.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Refusals of kinds the live test does not provoke, as servers word them. */
class ApiErrorTest {

    private static ApiError describe(String message, String field, String causeMessage) {
        return ApiError.describe(422, "Invalid", message, List.<String[]>of(new String[] {field, "FieldValueForbidden", causeMessage}),
                false, Map.of("kind", "X"));
    }

    @Test
    void statefulSetPvcServiceAndSelectorChangesAreImmutable() {
        ApiError sts = describe("StatefulSet.apps \"db\" is invalid: spec: Forbidden: updates to statefulset spec for fields other "
                + "than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and "
                + "'minReadySeconds' are forbidden", "spec", "Forbidden: updates to statefulset spec for fields other than "
                + "'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' "
                + "are forbidden");
        assertTrue(sts.immutable());
        assertTrue(sts.text().startsWith("spec: updates to statefulset spec for fields other than"), sts.text());
        ApiError pvc = describe("", "spec", "Forbidden: spec is immutable after creation except resources.requests and "
                + "volumeAttributesClassName for bound claims");
        assertTrue(pvc.immutable());
        ApiError service = describe("", "spec.clusterIPs[0]", "Invalid value: []string{\"10.0.0.12\"}: may not change once set");
        assertTrue(service.immutable());
        assertEquals("spec.clusterIPs[0]: may not change once set", service.text());
        ApiError selector = describe("", "spec.selector", "Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":"
                + "\"web-v2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable");
        assertEquals("spec.selector: field is immutable", selector.text());
    }

    @Test
    void anInvalidValueWithOtherProblemsIsNotOnlyImmutable() {
        ApiError mixed = ApiError.describe(422, "Invalid", "", List.of(new String[] {"spec.template", "FieldValueInvalid",
                "Invalid value: {\"a\":1}: field is immutable"}, new String[] {"spec.backoffLimit", "FieldValueInvalid",
                "Invalid value: -1: must be greater than or equal to 0"}), false, Map.of());
        assertFalse(mixed.immutable(), "recreating would not help");
        assertEquals("spec.template: field is immutable; spec.backoffLimit: -1: must be greater than or equal to 0", mixed.text());
    }

    @Test
    void aSecretsValueIsNeverEchoed() {
        ApiError e = ApiError.describe(422, "Invalid", "", List.<String[]>of(new String[] {"data[token]", "FieldValueInvalid",
                "Invalid value: \"abc\": must be base64"}), true, Map.of("kind", "Secret", "stringData", Map.of("token", "abcdef-secret")));
        assertEquals("data[token]: must be base64", e.text());
    }
}
