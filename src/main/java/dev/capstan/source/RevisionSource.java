package dev.capstan.source;

/** Where an application's revisions come from: the tip of its ref, or one commit (a rollback target). */
public interface RevisionSource {

    /** The files at the ref's current commit (one ls-remote; a fetch only for a new commit). */
    RevisionTree sync() throws GitSourceException;

    /** The files at a commit this source fetched before. */
    RevisionTree snapshotAt(String sha) throws GitSourceException;
}
