package dev.capstan.engine;

import dev.capstan.health.HealthReport;
import dev.capstan.plan.ObjectRef;
import dev.capstan.render.RenderKind;
import dev.capstan.source.Revision;
import java.time.Duration;
import java.time.Instant;

/**
 * What a sync reports while it runs, before its outcome: the agent's status recorder
 * turns these into the status a user sees mid-sync and into metrics. The engine knows no
 * status, metric or HTTP type.
 */
public interface SyncListener {

    default void started(Instant at) {
    }

    default void fetched(Revision revision) {
    }

    /** How the revision was rendered (plain, kustomize, helm): known once the render succeeded. */
    default void rendered(RenderKind kind) {
    }

    /**
     * A health gate is waiting: the objects it waits for as they are now, how long it has
     * waited and how long it may (sync.timeout, counted from the sync's start).
     */
    default void waiting(HealthReport report, Duration waited, Duration limit) {
    }

    /** Time spent in one health gate. */
    default void healthWaited(Duration waited) {
    }

    /** A rollback ran to its end. */
    default void rollbackFinished(boolean succeeded) {
    }

    /** Self-heal is about to re-apply {@code ref} (before the call: our own watch event can arrive first). */
    default void healing(ObjectRef ref) {
    }

    /** Hears nothing. */
    SyncListener NONE = new SyncListener() {
    };
}
