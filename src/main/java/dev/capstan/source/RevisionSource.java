package dev.capstan.source;

/** Where an application's revisions come from: the tip of its ref, or one commit (a rollback target). */
public interface RevisionSource {

    /** The files at the ref's current commit (one ls-remote; a fetch only for a new commit). */
    RevisionTree sync() throws GitSourceException;

    /**
     * @param notBeforeNanos when the sync was asked for ({@link System#nanoTime()}), for a manual sync or a push:
     *        the ref must be resolved after that moment; 0 for a scheduled sync, which may share a recent answer
     */
    default RevisionTree sync(long notBeforeNanos) throws GitSourceException {
        return sync();
    }

    /**
     * Whether commit {@code sha} has {@code ancestor} in its history (empty: cannot tell).
     * A source without history (a directory) cannot tell.
     */
    default java.util.Optional<Boolean> descendsFrom(String sha, String ancestor) throws GitSourceException {
        return java.util.Optional.empty();
    }

    /** The files at a commit this source fetched before. */
    RevisionTree snapshotAt(String sha) throws GitSourceException;
}
