package dev.capstan.testkit;

import dev.capstan.render.FileTree;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** Files on disk presented as one commit, so that renders of them are cached as the agent's are. */
public final class CommitTree implements FileTree {

    private final FileTree files;
    private final String sha;

    private CommitTree(FileTree files, String sha) {
        this.files = files;
        this.sha = sha;
    }

    public static FileTree of(FileTree files, String sha) {
        return new CommitTree(files, sha);
    }

    @Override
    public List<TreeEntry> walk(String dir) throws IOException {
        return files.walk(dir);
    }

    @Override
    public byte[] read(String path) throws IOException {
        return files.read(path);
    }

    @Override
    public Optional<TreeEntry> entry(String path) throws IOException {
        return files.entry(path);
    }

    @Override
    public String describe() {
        return files.describe() + "@" + sha;
    }

    @Override
    public Optional<String> commit() {
        return Optional.of(sha);
    }
}
