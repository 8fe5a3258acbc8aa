package dev.capstan.apply;

import dev.capstan.plan.ObjectRef;
import java.util.Optional;

/**
 * Applying failed. The message starts with the object at fault, {@link #object()} names
 * it (empty when several failed a dry-run together), and {@link #changes()} holds what was
 * done before and the failures themselves.
 */
public final class ApplyException extends Exception {
    private final transient ChangeSet changes;
    private final transient ObjectRef object;
    private final boolean permanent;

    public ApplyException(String message, ChangeSet changes, ObjectRef object) {
        this(message, changes, object, false);
    }

    /** @param permanent the server refused for good (invalid, immutable): only a new commit can change the outcome */
    public ApplyException(String message, ChangeSet changes, ObjectRef object, boolean permanent) {
        super(message);
        this.changes = changes == null ? new ChangeSet() : changes;
        this.object = object;
        this.permanent = permanent;
    }

    public boolean permanent() {
        return permanent;
    }

    public ChangeSet changes() {
        return changes;
    }

    public Optional<ObjectRef> object() {
        return Optional.ofNullable(object);
    }
}
