package dev.capstan.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;

/**
 * A real bare Git repository (the "remote") plus a working clone that commits and pushes
 * to it, as a user would: commits, tags, force-pushes and branch deletions all go
 * through JGit's push to the bare repository.
 */
public final class GitRemote implements AutoCloseable {

    private final Path bare;
    private final Path work;
    private final Git git;

    private GitRemote(Path root) throws IOException, GitAPIException {
        this.bare = root.resolve("remote.git");
        this.work = root.resolve("work");
        Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("main").call().close();
        this.git = Git.cloneRepository().setURI(bare.toUri().toString()).setDirectory(work.toFile()).call();
        git.checkout().setOrphan(true).setName("main").call();
    }

    public static GitRemote create(Path root) {
        try {
            return new GitRemote(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bare repository's directory (what servers serve). */
    public Path bareDir() {
        return bare;
    }

    public String fileUrl() {
        return bare.toUri().toString();
    }

    /** Writes the files (path -> content; null deletes), commits them on the current branch and pushes. */
    public String commit(String message, Map<String, String> files) {
        try {
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path p = work.resolve(f.getKey());
                if (f.getValue() == null) {
                    Files.deleteIfExists(p);
                    git.rm().addFilepattern(f.getKey()).call();
                } else {
                    Files.createDirectories(p.getParent());
                    Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
                    git.add().addFilepattern(f.getKey()).call();
                }
            }
            RevCommit c = git.commit().setMessage(message).setAuthor("Test", "test@example.com")
                    .setCommitter("Test", "test@example.com").setAllowEmpty(true).call();
            push(false);
            return c.name();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds a symbolic link to the next commit (written as Git stores it: mode 120000). */
    public void link(String path, String target) {
        try {
            Path p = work.resolve(path);
            Files.createDirectories(p.getParent());
            Files.deleteIfExists(p);
            Files.createSymbolicLink(p, Path.of(target));
            git.add().addFilepattern(path).call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Moves the current branch back to {@code sha} and force-pushes it: history rewritten. */
    public void resetHardAndForcePush(String sha) {
        try {
            git.reset().setMode(ResetCommand.ResetType.HARD).setRef(sha).call();
            push(true);
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    public void checkoutNewBranch(String name) {
        try {
            git.checkout().setCreateBranch(true).setName(name).call();
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    public void checkout(String name) {
        try {
            git.checkout().setName(name).call();
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates an annotated tag at HEAD and pushes it. */
    public void tag(String name) {
        try {
            git.tag().setName(name).setAnnotated(true).setMessage("release " + name).call();
            git.push().setRemote("origin").setRefSpecs(new RefSpec("refs/tags/" + name + ":refs/tags/" + name)).call();
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Replaces the remote branch with an unrelated history: one root commit holding only
     * {@code files} (path -> content), force-pushed. Later commits go on top of it.
     */
    public String replaceHistory(String branch, String message, Map<String, String> files) {
        try {
            git.checkout().setOrphan(true).setName("replaced-" + System.nanoTime()).call();
            git.rm().setCached(false).addFilepattern(".").call();
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path p = work.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
                git.add().addFilepattern(f.getKey()).call();
            }
            RevCommit c = git.commit().setMessage(message).setAuthor("Other", "other@example.com")
                    .setCommitter("Other", "other@example.com").call();
            git.push().setRemote("origin").setForce(true).setRefSpecs(new RefSpec("+HEAD:refs/heads/" + branch)).call();
            return c.name();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deletes a branch on the remote (git push origin :name). */
    public void deleteRemoteBranch(String name) {
        try {
            git.push().setRemote("origin").setRefSpecs(new RefSpec(":refs/heads/" + name)).call();
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    private void push(boolean force) throws GitAPIException {
        String branch;
        try {
            branch = git.getRepository().getBranch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        git.push().setRemote("origin").setForce(force)
                .setRefSpecs(new RefSpec((force ? "+" : "") + "refs/heads/" + branch + ":refs/heads/" + branch)).call();
    }

    @Override
    public void close() {
        git.close();
    }
}
