package dev.capstan.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP gate in front of a Git server (smart HTTP or git://) that fails on cue: the server down (connection
 * refused), hanging (accepts, never answers), or a fetch whose pack arrives corrupt or cut
 * short. ls-remote passes untouched in the pack modes: only the answer to a fetch (after
 * git://'s {@code want} lines, or smart HTTP's upload-pack POST) is damaged, as a broken
 * proxy or disk would damage a transfer.
 */
public final class GitGate implements AutoCloseable {

    public enum Mode { PASS, DOWN, HANG, CORRUPT_PACK, TRUNCATE_PACK }

    /** Bytes of the answer to a fetch passed intact before the damage starts. */
    private static final int INTACT = 600;

    private final int upstreamPort;
    private final int port;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "git-gate");
        t.setDaemon(true);
        return t;
    });
    private volatile Mode mode = Mode.PASS;
    private final java.util.Set<Socket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listening;
    private volatile boolean closed;

    /** @param upstream the port of the real server */
    public GitGate(int upstream) throws IOException {
        this.upstreamPort = upstream;
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.port = s.getLocalPort();
        listen(s);
    }

    /** The URL of {@code repoPath} (as the real server names it) through the gate. */
    public String url(String upstreamUrl) {
        return upstreamUrl.replace(":" + upstreamPort + "/", ":" + port + "/");
    }

    /**
     * From now on, for new connections: open ones are cut, as a server that went away or
     * restarted cuts them (an HTTP client's kept-alive connection would otherwise carry on).
     * DOWN closes the port (connections are refused), any other mode opens it again.
     */
    public synchronized void mode(Mode next) throws IOException {
        for (Socket s : open) {
            s.close();
        }
        if (next == Mode.DOWN && listening != null) {
            listening.close();
            listening = null;
        } else if (next != Mode.DOWN && listening == null) {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            listen(s);
        }
        mode = next;
    }

    private void listen(ServerSocket s) {
        listening = s;
        threads.execute(() -> {
            while (!closed && !s.isClosed()) {
                try {
                    Socket client = s.accept();
                    threads.execute(() -> serve(client));
                } catch (IOException e) {
                    return; // closed: DOWN or the end
                }
            }
        });
    }

    private void serve(Socket client) {
        Mode now = mode;
        open.add(client);
        try (client) {
            if (now == Mode.HANG) {
                client.getInputStream().transferTo(OutputStream.nullOutputStream()); // reads, never answers
                return;
            }
            try (Socket up = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
                AtomicBoolean wanted = new AtomicBoolean();
                threads.execute(() -> copy(client, up, wanted, null));
                copy(up, client, wanted, now);
            }
        } catch (IOException e) {
            // either side went away
        } finally {
            open.remove(client);
        }
    }

    /** Copies {@code from} to {@code to}; the client side marks {@code wanted}, the server side damages after it. */
    private static void copy(Socket from, Socket to, AtomicBoolean wanted, Mode damage) {
        byte[] buf = new byte[8192];
        int afterWant = 0;
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                if (damage == null) {
                    String sent = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                    // git://: the want lines; smart HTTP: the upload-pack POST (its body is gzipped)
                    if (sent.contains("want ") || sent.startsWith("POST ") && sent.contains("git-upload-pack")) {
                        wanted.set(true);
                    }
                } else if (wanted.get() && (damage == Mode.CORRUPT_PACK || damage == Mode.TRUNCATE_PACK)) {
                    int start = afterWant;
                    afterWant += n;
                    if (damage == Mode.TRUNCATE_PACK && afterWant > INTACT) {
                        out.write(buf, 0, Math.max(0, INTACT - start));
                        out.flush();
                        return; // the rest never comes
                    }
                    for (int i = Math.max(0, INTACT - start); damage == Mode.CORRUPT_PACK && i < n && start + i < INTACT + 64; i++) {
                        buf[i] = (byte) ~buf[i]; // 64 bytes of the pack flipped: framing intact, content wrong
                    }
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // closed
        } finally {
            try {
                to.shutdownOutput();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (listening != null) {
                listening.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
        threads.shutdownNow();
    }
}
