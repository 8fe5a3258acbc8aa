package dev.capstan.source;

import dev.capstan.render.FileTree;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** A checked-out directory as a {@link FileTree}; links are reported, never followed. */
public final class LocalDirectoryTree implements FileTree {

    private final Path root;

    public LocalDirectoryTree(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public List<TreeEntry> walk(String dir) throws IOException {
        Path start = dir.isEmpty() ? root : root.resolve(dir).normalize();
        if (!start.startsWith(root) || !Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileNotFoundException(dir);
        }
        List<TreeEntry> entries = new ArrayList<>();
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                return d.getFileName() != null && d.getFileName().toString().equals(".git") && !d.equals(start)
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String rel = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                if (attrs.isSymbolicLink()) {
                    String target = Files.readSymbolicLink(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                    entries.add(new TreeEntry(rel, TreeEntry.Type.SYMLINK, target.length(), target));
                } else if (attrs.isRegularFile()) {
                    entries.add(new TreeEntry(rel, TreeEntry.Type.FILE, attrs.size(), null));
                } else {
                    entries.add(new TreeEntry(rel, TreeEntry.Type.OTHER, 0, null));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        entries.sort(Comparator.comparing(TreeEntry::path));
        return entries;
    }

    @Override
    public byte[] read(String path) throws IOException {
        Path file = root.resolve(path).normalize();
        if (!file.startsWith(root) || Files.isSymbolicLink(file)) {
            throw new IOException(path + ": not a regular file inside " + root);
        }
        return Files.readAllBytes(file);
    }

    @Override
    public Optional<TreeEntry> entry(String path) throws IOException {
        Path file = root.resolve(path).normalize();
        if (!file.startsWith(root) || !Files.exists(file, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        if (Files.isSymbolicLink(file)) {
            String target = Files.readSymbolicLink(file).toString().replace(file.getFileSystem().getSeparator(), "/");
            return Optional.of(new TreeEntry(path, TreeEntry.Type.SYMLINK, target.length(), target));
        }
        return Optional.of(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                ? new TreeEntry(path, TreeEntry.Type.FILE, Files.size(file), null)
                : new TreeEntry(path, TreeEntry.Type.OTHER, 0, null));
    }

    @Override
    public String describe() {
        return root.toString();
    }
}
