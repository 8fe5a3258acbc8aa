package dev.capstan.render.tool;

import dev.capstan.render.FileTree;
import dev.capstan.render.RepoPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A private, read-only copy of a repository's files at one commit, for tools that read a
 * directory (kustomize, Helm). The whole repository is copied because overlays reach
 * {@code ../base} and value files sit beside charts. Symlinks are recreated only when they
 * stay inside the repository, so no tool can be led to the agent's own files; the copy is
 * removed when closed.
 */
public final class Workspace implements AutoCloseable {

    private final Path base;
    private final Path repo;

    private Workspace(Path base) {
        this.base = base;
        this.repo = base.resolve("repo");
    }

    public static Workspace of(FileTree tree) throws IOException {
        Path base = Files.createTempDirectory("capstan-render-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Workspace ws = new Workspace(base);
        try {
            Files.createDirectory(ws.repo);
            for (FileTree.TreeEntry e : tree.walk("")) {
                ws.copy(tree, e);
            }
        } catch (IOException | RuntimeException e) {
            ws.close();
            throw e;
        }
        return ws;
    }

    private void copy(FileTree tree, FileTree.TreeEntry e) throws IOException {
        Path target = repo.resolve(e.path()).normalize();
        if (!target.startsWith(repo)) {
            return;
        }
        Files.createDirectories(target.getParent());
        if (e.type() == FileTree.TreeEntry.Type.FILE) {
            Files.write(target, tree.read(e.path()));
            target.toFile().setWritable(false, false);
        } else if (e.type() == FileTree.TreeEntry.Type.SYMLINK && e.linkTarget() != null
                && RepoPaths.resolve(RepoPaths.parent(e.path()), e.linkTarget()).isPresent()) {
            Files.createSymbolicLink(target, Path.of(e.linkTarget()));
        }
    }

    /** The repository's root directory in the copy. */
    public Path repo() {
        return repo;
    }

    /** A directory beside the repository (not in it) for files Capstan writes, such as inline Helm values. */
    public Path scratch() throws IOException {
        return Files.createDirectories(base.resolve("scratch"));
    }

    /** Tool messages with the copy's location replaced by repository paths, so they read as the user's files. */
    public String relativize(String message) {
        return message.replace(repo.toString() + "/", "").replace(repo.toString(), ".").replace(base.toString(), "<workspace>");
    }

    @Override
    public void close() {
        try (Stream<Path> paths = Files.walk(base)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a leftover temp directory is harmless
                }
            });
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // best effort
        }
    }
}
