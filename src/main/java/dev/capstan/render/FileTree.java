package dev.capstan.render;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Files to render, from a Git commit or a local directory. Renderers see only this, so
 * the same code renders what the agent fetched and what a user has checked out.
 */
public interface FileTree {

    /**
     * Every entry below {@code dir} (recursively, links not followed), paths relative to
     * the tree's root with '/' separators, sorted by path.
     *
     * @throws java.io.FileNotFoundException when {@code dir} does not exist in the tree
     */
    List<TreeEntry> walk(String dir) throws IOException;

    /** The content of a regular file. */
    byte[] read(String path) throws IOException;

    /** Where the files come from, for messages: a directory, or repo@sha. */
    String describe();

    /**
     * The entry at {@code path}, if there is one (a directory has none). Renderers ask this
     * of a handful of paths (is there a Chart.yaml here?) instead of walking a large tree.
     */
    default Optional<TreeEntry> entry(String path) throws IOException {
        int slash = path.lastIndexOf('/');
        try {
            return walk(slash < 0 ? "" : path.substring(0, slash)).stream().filter(e -> e.path().equals(path)).findFirst();
        } catch (java.io.FileNotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * The commit the files are, when they are one: renders of the same commit are the same,
     * so they are cached under it. Empty for a working directory, which can change at any time.
     */
    default Optional<String> commit() {
        return Optional.empty();
    }

    /**
     * @param size bytes of a file (of the link text for a link)
     * @param linkTarget the link's target as written, for {@link Type#SYMLINK}
     */
    record TreeEntry(String path, Type type, long size, String linkTarget) {
        public enum Type { FILE, SYMLINK, OTHER }
    }
}
