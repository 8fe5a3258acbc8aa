package dev.capstan.apply;

/** Applying failed; the message starts with the object(s) at fault, and {@link #changes()} holds what was done before. */
public final class ApplyException extends Exception {
    private final transient ChangeSet changes;

    public ApplyException(String message, ChangeSet changes) {
        super(message);
        this.changes = changes;
    }

    public ChangeSet changes() {
        return changes;
    }
}
