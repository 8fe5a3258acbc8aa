package dev.capstan.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.Daemon;
import org.eclipse.jgit.transport.UploadPack;

/**
 * Serves one bare repository over the git:// protocol on 127.0.0.1 with JGit's daemon,
 * counting upload-pack sessions (each ls-remote and each fetch is one) on the server
 * side, where the client cannot fudge them.
 */
public final class GitDaemonServer implements AutoCloseable {

    private final Daemon daemon;
    private final AtomicInteger uploads = new AtomicInteger();

    public GitDaemonServer(Path bareRepo) {
        this(bareRepo, "127.0.0.1");
    }

    /** @param host where to listen: a pod on the {@link RealNode} reaches this machine at {@link RealNode#NODE_IP} */
    public GitDaemonServer(Path bareRepo, String host) {
        daemon = new Daemon(new InetSocketAddress(host, 0));
        daemon.getService("git-upload-pack").setEnabled(true);
        daemon.setRepositoryResolver((req, name) -> {
            if (!name.equals("repo.git") && !name.equals("repo")) {
                throw new RepositoryNotFoundException(name);
            }
            try {
                return new FileRepositoryBuilder().setGitDir(bareRepo.toFile()).setMustExist(true).build();
            } catch (IOException e) {
                throw new RepositoryNotFoundException(name, e);
            }
        });
        daemon.setUploadPackFactory((req, db) -> {
            uploads.incrementAndGet();
            return new UploadPack(db);
        });
        try {
            daemon.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "git://" + daemon.getAddress().getAddress().getHostAddress() + ":" + daemon.getAddress().getPort() + "/repo.git";
    }

    /** Upload-pack sessions served so far (ls-remote and fetch alike). */
    public int uploadPackSessions() {
        return uploads.get();
    }

    /** Stops listening and waits until the port is closed, so the next connection is refused. */
    @Override
    public void close() {
        try {
            daemon.stopAndWait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
