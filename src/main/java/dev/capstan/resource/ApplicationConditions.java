package dev.capstan.resource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An Application's {@code .status}, from the status JSON the HTTP API serves, in the
 * shape kstatus, {@code kubectl wait} and Flux users expect: {@code Ready} True only when
 * the app is synced and healthy at the current generation; {@code Reconciling} True while
 * work is under way; {@code Stalled} True when it cannot go on without a change (the reason
 * names the step that failed). Pure: one map in, one map out, so the rules are unit-tested.
 */
public final class ApplicationConditions {

    private static final int MAX_MESSAGE = 1024;

    private ApplicationConditions() {
    }

    /**
     * @param app the app's status JSON ({@code GET /api/v1/applications/{name}}; the scalar fields suffice)
     * @param generation the resource's current {@code metadata.generation}
     * @param observed the generation the last finished sync ran with (0: none yet)
     * @param previous the conditions written before, whose transition times are kept while their status holds
     * @param now RFC 3339 time for conditions that change
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> status(Map<String, Object> app, long generation, long observed,
                                             List<Map<String, Object>> previous, String now) {
        String phase = String.valueOf(app.get("phase"));
        String sync = String.valueOf(app.get("syncStatus"));
        String health = String.valueOf(app.get("healthStatus"));
        String message = truncate(String.valueOf(app.getOrDefault("message", "")));
        String reason = app.get("reason") == null ? null : String.valueOf(app.get("reason"));

        Condition ready;
        Condition reconciling;
        Condition stalled;
        if (observed < generation || phase.equals("Idle") || phase.equals("Syncing")) {
            String why = observed < generation && !phase.equals("Syncing") ? "NewGeneration" : "Progressing";
            String what = phase.equals("Syncing") ? "syncing" + (message.isEmpty() ? "" : ": " + message)
                    : "waiting for the first sync of generation " + generation;
            reconciling = new Condition("True", why, what);
            ready = new Condition("False", why, what);
            stalled = new Condition("False", why, "");
        } else if (phase.equals("Failed") || phase.equals("RolledBack")) {
            String why = reason == null ? phase : reason;
            stalled = new Condition("True", why, message);
            ready = new Condition("False", why, message);
            reconciling = new Condition("False", why, "");
        } else if (!sync.equals("Synced")) {
            ready = new Condition("False", "OutOfSync", "live objects differ from Git: " + message);
            reconciling = new Condition("False", "OutOfSync", "");
            stalled = new Condition("False", "OutOfSync", "");
        } else if (health.equals("Progressing") || health.equals("Missing") || health.equals("Unknown")) {
            ready = new Condition("False", "Health" + health, "synced; waiting for objects to become healthy");
            reconciling = new Condition("True", "Health" + health, "waiting for objects to become healthy");
            stalled = new Condition("False", "Health" + health, "");
        } else if (health.equals("Degraded")) {
            ready = new Condition("False", "HealthDegraded", "synced, but objects are degraded");
            stalled = new Condition("True", "HealthDegraded", "synced, but objects are degraded");
            reconciling = new Condition("False", "HealthDegraded", "");
        } else {
            ready = new Condition("True", "Succeeded", message);
            reconciling = new Condition("False", "Succeeded", "");
            stalled = new Condition("False", "Succeeded", "");
        }
        Map<String, Map<String, Object>> before = new LinkedHashMap<>();
        previous.forEach(c -> before.put(String.valueOf(c.get("type")), c));
        List<Map<String, Object>> conditions = new ArrayList<>();
        conditions.add(ready.toMap("Ready", generation, before.get("Ready"), now));
        conditions.add(reconciling.toMap("Reconciling", generation, before.get("Reconciling"), now));
        conditions.add(stalled.toMap("Stalled", generation, before.get("Stalled"), now));

        Map<String, Object> status = new LinkedHashMap<>();
        status.put("observedGeneration", observed);
        status.put("conditions", conditions);
        Map<String, Object> revision = app.get("revision") instanceof Map<?, ?> r ? (Map<String, Object>) r : null;
        Map<String, Object> synced = app.get("lastSyncedRevision") instanceof Map<?, ?> r ? (Map<String, Object>) r : null;
        status.put("revision", revision == null ? null : revision.get("shortSha"));
        status.put("revisionSubject", revision == null ? null : truncate(String.valueOf(revision.get("subject"))));
        status.put("lastSyncedRevision", synced == null ? null : synced.get("shortSha"));
        status.put("sync", sync);
        status.put("health", health);
        status.put("phase", phase);
        status.put("reason", reason);
        status.put("render", app.get("render"));
        status.put("resources", app.get("resources"));
        status.put("lastSyncTime", app.get("lastSyncStartedAt"));
        status.put("message", message);
        status.replaceAll((k, v) -> "".equals(v) ? null : v); // null: the merge patch removes the field
        return status;
    }

    /** Status with only the spec's problems: a spec Capstan cannot run never reaches the engine. */
    public static Map<String, Object> invalid(String reason, String message, long generation,
                                              List<Map<String, Object>> previous, String now) {
        Map<String, Map<String, Object>> before = new LinkedHashMap<>();
        previous.forEach(c -> before.put(String.valueOf(c.get("type")), c));
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("observedGeneration", generation);
        status.put("conditions", List.of(
                new Condition("False", reason, truncate(message)).toMap("Ready", generation, before.get("Ready"), now),
                new Condition("False", reason, "").toMap("Reconciling", generation, before.get("Reconciling"), now),
                new Condition("True", reason, truncate(message)).toMap("Stalled", generation, before.get("Stalled"), now)));
        status.put("phase", "Failed");
        status.put("reason", reason);
        status.put("message", truncate(message));
        return status;
    }

    private static String truncate(String s) {
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE - 3) + "...";
    }

    private record Condition(String status, String reason, String message) {
        Map<String, Object> toMap(String type, long generation, Map<String, Object> previous, String now) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", type);
            m.put("status", status);
            m.put("reason", reason);
            if (!message.isEmpty()) { // Kubernetes 1.20 reads an empty string in a custom resource as null, and refuses it
                m.put("message", message);
            }
            m.put("observedGeneration", generation);
            boolean same = previous != null && status.equals(previous.get("status")) && previous.get("lastTransitionTime") != null;
            m.put("lastTransitionTime", same ? previous.get("lastTransitionTime") : now);
            return m;
        }
    }
}
