package dev.capstan.source;

/** Where an application's revisions come from: the tip of its ref, or one commit (a rollback target). */
public interface RevisionSource {

    /** The files at the ref's current commit (one ls-remote; a fetch only for a new commit). */
    RevisionTree sync() throws GitSourceException;

    /** @param fresh ask the server now, not take a recent answer shared with other apps (a manual sync, a webhook) */
    default RevisionTree sync(boolean fresh) throws GitSourceException {
        return sync();
    }

    /** The files at a commit this source fetched before. */
    RevisionTree snapshotAt(String sha) throws GitSourceException;
}
