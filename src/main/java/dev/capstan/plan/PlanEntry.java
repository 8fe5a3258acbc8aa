package dev.capstan.plan;

import java.util.List;

/**
 * What the plan intends for one object.
 *
 * @param desired null for {@link Kind#PRUNE}
 * @param paths changed field paths for {@link Kind#UPDATE}
 * @param note why, for {@link Kind#CONFLICT}
 */
public record PlanEntry(Kind kind, ObjectRef ref, String apiVersion, DesiredObject desired, List<String> paths, String note) {

    public enum Kind {
        CREATE, UPDATE, UNCHANGED, PRUNE,
        /** The object exists and another app's tracking id is on it: left alone. */
        CONFLICT
    }

    /** An object Git wants and this app applies: not a prune, not another app's object. */
    public boolean isOwnDesired() {
        return desired != null && kind != Kind.CONFLICT;
    }

    public boolean changes() {
        return kind == Kind.CREATE || kind == Kind.UPDATE;
    }

    /** One line of {@code capstan plan} output. */
    public String line() {
        return switch (kind) {
            case CREATE -> "+ create " + ref;
            case UPDATE -> "~ update " + ref + " " + String.join(", ", paths);
            case UNCHANGED -> "= unchanged " + ref;
            case PRUNE -> "- prune " + ref;
            case CONFLICT -> "! skip " + ref + ": " + note;
        };
    }
}
