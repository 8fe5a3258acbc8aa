package dev.capstan.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The kstatus rules: Ready only when synced and healthy at the current generation. */
class ApplicationConditionsTest {

    private static Map<String, Object> app(String phase, String sync, String health, String reason, String message) {
        Map<String, Object> m = new HashMap<>();
        m.put("phase", phase);
        m.put("syncStatus", sync);
        m.put("healthStatus", health);
        m.put("reason", reason);
        m.put("message", message);
        m.put("revision", Map.of("shortSha", "abc1234", "subject", "deploy"));
        m.put("resources", Map.of("inSync", 3L, "outOfSync", 0L, "missing", 0L));
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> conditions(Map<String, Object> status) {
        Map<String, String> byType = new HashMap<>();
        for (Map<String, Object> c : (List<Map<String, Object>>) status.get("conditions")) {
            byType.put((String) c.get("type"), c.get("status") + "/" + c.get("reason"));
        }
        return byType;
    }

    @Test
    void syncedAndHealthyAtTheCurrentGenerationIsReady() {
        Map<String, Object> s = ApplicationConditions.status(app("Succeeded", "Synced", "Healthy", null, "synced"), 2, 2, List.of(), "t1");
        assertEquals(Map.of("Ready", "True/Succeeded", "Reconciling", "False/Succeeded", "Stalled", "False/Succeeded"), conditions(s));
        assertEquals(2L, s.get("observedGeneration"));
        assertEquals("abc1234", s.get("revision"));
    }

    @Test
    void anOlderGenerationIsReconcilingNotReady() {
        Map<String, Object> s = ApplicationConditions.status(app("Succeeded", "Synced", "Healthy", null, "synced"), 3, 2, List.of(), "t1");
        assertEquals("False/NewGeneration", conditions(s).get("Ready"));
        assertEquals("True/NewGeneration", conditions(s).get("Reconciling"));
    }

    @Test
    void aFailedStepIsStalledWithItsReason() {
        Map<String, Object> s = ApplicationConditions.status(app("Failed", "OutOfSync", "Unknown", "RenderFailed", "a.yaml:3: bad"),
                1, 1, List.of(), "t1");
        assertEquals("True/RenderFailed", conditions(s).get("Stalled"));
        assertEquals("False/RenderFailed", conditions(s).get("Ready"));
    }

    @Test
    void driftIsNotReadyButNotStalledAndDegradedIsStalled() {
        assertEquals("False/OutOfSync", conditions(ApplicationConditions.status(
                app("Succeeded", "OutOfSync", "Healthy", null, "m"), 1, 1, List.of(), "t")).get("Ready"));
        Map<String, String> degraded = conditions(ApplicationConditions.status(
                app("Succeeded", "Synced", "Degraded", null, "m"), 1, 1, List.of(), "t"));
        assertEquals("True/HealthDegraded", degraded.get("Stalled"));
        assertEquals("True/HealthProgressing", conditions(ApplicationConditions.status(
                app("Succeeded", "Synced", "Progressing", null, "m"), 1, 1, List.of(), "t")).get("Reconciling"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aConditionKeepsItsTransitionTimeWhileItsStatusHolds() {
        Map<String, Object> first = ApplicationConditions.status(app("Succeeded", "Synced", "Healthy", null, "m"), 1, 1, List.of(), "t1");
        Map<String, Object> second = ApplicationConditions.status(app("Succeeded", "Synced", "Healthy", null, "m2"), 1, 1,
                (List<Map<String, Object>>) first.get("conditions"), "t2");
        assertEquals("t1", ((List<Map<String, Object>>) second.get("conditions")).get(0).get("lastTransitionTime"));
        Map<String, Object> third = ApplicationConditions.status(app("Failed", "OutOfSync", "Healthy", "ApplyFailed", "x"), 1, 1,
                (List<Map<String, Object>>) second.get("conditions"), "t3");
        assertEquals("t3", ((List<Map<String, Object>>) third.get("conditions")).get(0).get("lastTransitionTime"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void emptyStringsAreLeftOutBecauseKubernetes120RefusesThem() {
        Map<String, Object> s = ApplicationConditions.status(app("Succeeded", "Synced", "Healthy", null, ""), 1, 1, List.of(), "t");
        assertNull(s.get("message"));
        assertFalse(((List<Map<String, Object>>) s.get("conditions")).get(1).containsKey("message"));
    }
}
