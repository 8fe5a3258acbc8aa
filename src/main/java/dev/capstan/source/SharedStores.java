package dev.capstan.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Repository;

/**
 * One local object store per repository (and credentials), shared by every app that
 * follows it: a push to a monorepo with 25 apps is fetched once, not 25 times, and its
 * objects are kept once on disk. Fetches into a store take its lock (they move the same
 * ref), and an app finding the commit already fetched by another skips its own fetch.
 * Reading objects needs no lock. A store is closed when its last app goes.
 */
public final class SharedStores {

    /** An open store: the repository and the lock its fetches take. */
    record Store(Path dir, Repository repo, Object fetchLock) {
    }

    private final Map<Path, Store> open = new HashMap<>();
    private final Map<Path, Integer> users = new HashMap<>();

    synchronized Store acquire(Path dir) throws GitSourceException {
        Store store = open.get(dir);
        if (store == null) {
            try {
                Files.createDirectories(dir.getParent());
                store = new Store(dir, Git.init().setBare(true).setDirectory(dir.toFile()).call().getRepository(), new Object());
            } catch (IOException | GitAPIException e) {
                throw new GitSourceException("cannot create the Git cache at " + dir + ": " + e.getMessage(), e);
            }
            open.put(dir, store);
        }
        users.merge(dir, 1, Integer::sum);
        return store;
    }

    synchronized void release(Store store) {
        int left = users.merge(store.dir(), -1, Integer::sum);
        if (left <= 0) {
            users.remove(store.dir());
            open.remove(store.dir());
            store.repo().close();
        }
    }
}
