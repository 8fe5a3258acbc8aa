package dev.capstan.render;

import java.io.IOException;
import java.util.List;

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
     * @param size bytes of a file (of the link text for a link)
     * @param linkTarget the link's target as written, for {@link Type#SYMLINK}
     */
    record TreeEntry(String path, Type type, long size, String linkTarget) {
        public enum Type { FILE, SYMLINK, OTHER }
    }
}
