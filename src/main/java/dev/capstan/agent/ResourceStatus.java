package dev.capstan.agent;

import dev.capstan.apply.Action;
import dev.capstan.resource.ApplicationConditions;
import dev.capstan.resource.ApplicationRef;
import dev.capstan.resource.ApplicationStatusWriter;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The part of the {@link StatusRecorder} that mirrors an app's status onto the
 * Application resource it came from: {@code .status} with kstatus conditions, and Events
 * for syncs that changed something, failures, rollbacks and drift; and, for resources that
 * never became apps, why ({@link #refuse}). The only writer of Applications' status
 * ({@code ArchitectureTest}). Config-file apps have no resource and pass through untouched.
 */
final class ResourceStatus {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ResourceStatus.class);

    private final ApplicationStatusWriter writer;
    private final Clock clock;
    private final Map<String, ApplicationRef> refs = new ConcurrentHashMap<>();
    /** The generation the app's current sync loop runs with, and the one its last finished sync ran with. */
    private final Map<String, Long> running = new ConcurrentHashMap<>();
    private final Map<String, Long> observed = new ConcurrentHashMap<>();
    private final Map<String, String> lastWarning = new ConcurrentHashMap<>();

    ResourceStatus(ApplicationStatusWriter writer, Clock clock) {
        this.writer = writer;
        this.clock = clock;
    }

    void register(String app, ApplicationRef ref) {
        if (ref == null) {
            refs.remove(app);
        } else {
            refs.put(app, ref);
            observed.putIfAbsent(app, 0L);
        }
    }

    void remove(String app) {
        ApplicationRef ref = refs.remove(app);
        running.remove(app);
        observed.remove(app);
        lastWarning.remove(app);
        if (ref != null) {
            writer.forget(ref);
        }
    }

    void syncStarted(String app, AppStatus status) {
        ApplicationRef ref = refs.get(app);
        if (ref != null) {
            running.put(app, ref.generation());
            changed(app, status);
        }
    }

    /** @param result null when the sync held back (same failed revision) */
    void synced(String app, AppStatus status, SyncResult result) {
        ApplicationRef ref = refs.get(app);
        if (ref == null) {
            return;
        }
        observed.put(app, running.getOrDefault(app, ref.generation()));
        changed(app, status);
        if (result == null) {
            return;
        }
        switch (result.phase()) {
            case Succeeded -> {
                lastWarning.remove(app);
                boolean changedSomething = result.changes() != null && result.changes().counts().entrySet().stream()
                        .anyMatch(e -> e.getKey() != Action.UNCHANGED && e.getValue() > 0);
                if (changedSomething) {
                    writer.event(ref, "Normal", "Synced", result.message());
                }
            }
            case RolledBack -> warn(app, ref, "RolledBack", result.message());
            default -> warn(app, ref, result.reason() == null ? "SyncFailed" : result.reason().name(), result.message());
        }
    }

    /** Something users see changed (drift, health, progress): the resource's status follows. */
    void changed(String app, AppStatus status) {
        ApplicationRef ref = refs.get(app);
        if (ref == null) {
            return;
        }
        writer.write(ref, ApplicationConditions.status(status.summary(), ref.generation(), observed.getOrDefault(app, 0L),
                conditions(writer.lastWritten(ref)), now()));
    }

    void event(String app, String type, String reason, String message) {
        ApplicationRef ref = refs.get(app);
        if (ref != null) {
            writer.event(ref, type, reason, message);
        }
    }

    /** What the resource's status is now, as read from the API: an unchanged status is not written again. */
    void observed(ApplicationRef ref, Map<String, Object> status) {
        writer.observed(ref, status);
    }

    /** A resource that runs nothing (invalid spec, name conflict): Stalled with the reason, and one Warning Event. */
    void refuse(ApplicationRef ref, String reason, String message) {
        Map<String, Object> before = writer.lastWritten(ref);
        if (reason.equals(before.get("reason")) && message.equals(before.get("message"))
                && before.get("observedGeneration") instanceof Number n && n.longValue() == ref.generation()) {
            return; // said already (a restart, a resync): no second Event
        }
        LOG.warn("{}: {}: {}", ref, reason, message);
        stalled(ref, reason, message);
        writer.event(ref, "Warning", reason, message);
    }

    /** Stalled with the reason (a deletion whose prune failed says so while it retries). */
    void stalled(ApplicationRef ref, String reason, String message) {
        writer.write(ref, ApplicationConditions.invalid(reason, message, ref.generation(), conditions(writer.lastWritten(ref)), now()));
    }

    /** A failure is an Event when it is new, not at every retry of the same one. */
    private void warn(String app, ApplicationRef ref, String reason, String message) {
        String text = reason + ": " + message;
        if (!text.equals(lastWarning.put(app, text))) {
            writer.event(ref, "Warning", reason, message);
        }
    }

    private String now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> conditions(Map<String, Object> status) {
        return status.get("conditions") instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }
}
