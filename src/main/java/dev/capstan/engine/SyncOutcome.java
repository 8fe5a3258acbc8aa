package dev.capstan.engine;

import dev.capstan.apply.ChangeSet;
import dev.capstan.health.HealthReport;
import dev.capstan.plan.ObjectRef;
import dev.capstan.plan.Plan;
import dev.capstan.source.Revision;
import java.util.Optional;

/**
 * How one reconcile ended: one record per result, each holding exactly what that result
 * has (a fetch failure has no revision, a render failure no plan), so nothing is null and
 * the status recorder reads the case, not a set of flags.
 */
public sealed interface SyncOutcome {

    /** Every wave applied and healthy, stale objects pruned (or left, with prune off). */
    record Succeeded(Revision revision, Plan plan, ChangeSet changes, HealthReport health, long unpruned)
            implements SyncOutcome {
    }

    /** Git could not be read: nothing else ran. */
    record FetchFailed(String message) implements SyncOutcome {
    }

    /** The revision could not be rendered or failed validation: nothing was planned or applied. */
    record Rejected(Revision revision, Reason reason, String message) implements SyncOutcome {
    }

    /**
     * Failed at or after planning (apply, health gate, prune), or a rollback that failed too.
     *
     * @param object the object at fault, when one is
     * @param health the last health assessment, when the sync got as far as a gate
     * @param permanent the API server refused for good (invalid, immutable): retrying the same commit cannot help
     */
    record Failed(Revision revision, Reason reason, String message, Optional<ObjectRef> object, Plan plan,
                  ChangeSet changes, Optional<HealthReport> health, boolean permanent) implements SyncOutcome {

        public Failed(Revision revision, Reason reason, String message, Optional<ObjectRef> object, Plan plan,
                      ChangeSet changes, Optional<HealthReport> health) {
            this(revision, reason, message, object, plan, changes, health, false);
        }
    }

    /** {@code failed} did not pass its health gate; {@code restored}, the last healthy revision, was applied again and is healthy. */
    record RolledBack(Revision failed, Revision restored, String message, Plan plan, ChangeSet changes, HealthReport health,
                      long unpruned) implements SyncOutcome {
    }

    /**
     * The revision failed its health gate before (and was rolled back when {@code rolledBack}), or the
     * API server refused it for good: it is not retried until a new commit, a manual sync or (after a
     * refusal) a slow backoff; its health is still followed.
     */
    record Held(Revision revision, boolean rolledBack) implements SyncOutcome {
    }

    /** The plan the sync got as far as, if any. */
    default Optional<Plan> planned() {
        if (this instanceof Succeeded s) {
            return Optional.of(s.plan());
        }
        if (this instanceof Failed f) {
            return Optional.of(f.plan());
        }
        return this instanceof RolledBack r ? Optional.of(r.plan()) : Optional.empty();
    }

    default boolean succeeded() {
        return this instanceof Succeeded || this instanceof Held;
    }
}
