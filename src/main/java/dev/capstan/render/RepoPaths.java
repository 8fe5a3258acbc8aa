package dev.capstan.render;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Paths a repository's own files name (a value file, a kustomize base, a symlink's
 * target), resolved inside the repository or refused: a path that climbs out of it is how
 * a repository would make a renderer read the agent's files (Argo CD's CVE-2022-24348).
 */
public final class RepoPaths {

    private static final int MAX_LINKS = 16;

    private RepoPaths() {
    }

    /** {@code relative} against {@code dir}, as a tree path; empty when it is absolute or climbs out of the tree. */
    public static Optional<String> resolve(String dir, String relative) {
        if (relative.startsWith("/") || relative.startsWith("\\") || relative.matches("^[A-Za-z]:.*")) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        if (!dir.isEmpty()) {
            parts.addAll(List.of(dir.split("/")));
        }
        for (String seg : relative.replace('\\', '/').split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                if (parts.isEmpty()) {
                    return Optional.empty();
                }
                parts.remove(parts.size() - 1);
            } else {
                parts.add(seg);
            }
        }
        return Optional.of(String.join("/", parts));
    }

    /** The directory of a tree path ("" at the root). */
    public static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    /**
     * The regular file a path names, links followed while they stay in the tree.
     *
     * @return the file's path, or a message saying why there is none
     */
    public static Resolved file(FileTree tree, String path) throws IOException {
        String current = path;
        for (int hops = 0; hops <= MAX_LINKS; hops++) {
            Optional<FileTree.TreeEntry> entry = tree.entry(current);
            if (entry.isEmpty()) {
                return Resolved.refused("no such file in the repository");
            }
            if (entry.get().type() == FileTree.TreeEntry.Type.FILE) {
                return new Resolved(current, null);
            }
            if (entry.get().type() != FileTree.TreeEntry.Type.SYMLINK) {
                return Resolved.refused("not a regular file");
            }
            Optional<String> next = resolve(parent(current), entry.get().linkTarget());
            if (next.isEmpty()) {
                return Resolved.refused("a symlink to \"" + entry.get().linkTarget() + "\", outside the repository; refused");
            }
            current = next.get();
        }
        return Resolved.refused("too many levels of symlinks");
    }

    /** A file found ({@code path}) or not ({@code problem}). */
    public record Resolved(String path, String problem) {
        static Resolved refused(String why) {
            return new Resolved(null, why);
        }

        public boolean found() {
            return path != null;
        }
    }
}
