package dev.capstan.engine;

import dev.capstan.source.GitSourceException;
import dev.capstan.source.Revision;
import dev.capstan.source.RevisionSource;
import java.util.Optional;

/**
 * Whether a new commit may be applied on its own: not when the ref no longer leads through
 * the commit last applied (a force-push to an older or another commit, a branch deleted
 * and made again, the repository replaced, or the app now following another ref). Git
 * still holds the truth, but what such a commit would prune was never removed by a commit
 * anyone pushed on top of what runs, so a person confirms it with a manual sync, as after
 * a failed rollout. A pinned SHA is a person's choice already; a history too long to tell
 * within the depth the source fetches is followed.
 */
final class RewrittenHistory {

    private static final java.util.regex.Pattern FULL_SHA = java.util.regex.Pattern.compile("[0-9a-f]{40}");

    private RewrittenHistory() {
    }

    /** @param applied the commit the inventory records as applied ("" before the first sync) */
    static Optional<String> check(Revision revision, String applied, RevisionSource source) throws GitSourceException {
        if (applied.isEmpty() || applied.equals(revision.sha()) || FULL_SHA.matcher(revision.ref()).matches()
                || source.descendsFrom(revision.sha(), applied).orElse(true)) {
            return Optional.empty();
        }
        return Optional.of("ref " + revision.ref() + " now points at " + revision.shortSha() + ", which does not have the applied "
                + "commit " + applied.substring(0, Math.min(7, applied.length())) + " in its history (a force-push, a branch made "
                + "again, another repository, or a changed ref): nothing applied, nothing pruned; sync by hand to accept it");
    }
}
