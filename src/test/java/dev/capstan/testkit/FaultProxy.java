package dev.capstan.testkit;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A TLS-terminating HTTP proxy in front of the test kube-apiserver that misbehaves on
 * cue: it answers chosen requests with 500/503/429 (Retry-After set), delays them, resets
 * the connection (a TCP reset) without an answer, or stalls. Everything else, watches
 * included, is passed through byte for byte. An HTTP-level proxy because the faults worth testing are
 * answers (a 429 with Retry-After, a 500 on one verb and path), not only broken sockets.
 */
public final class FaultProxy implements AutoCloseable {

    /** What a matching request gets. */
    public enum Kind { ANSWER, DELAY, RESET, STALL, CALL }

    /**
     * One fault: requests whose method matches ({@code *} for any) and whose path and query
     * match {@code path} (a regex, searched) are counted; every {@code every}-th of them, up to
     * {@code times} (0: no limit), gets the fault.
     *
     * @param status the status answered (ANSWER)
     * @param retryAfterSeconds the Retry-After header and Status detail (0: none)
     * @param delay how long a DELAY waits before passing the request on, or a STALL before closing
     * @param action what a CALL runs before passing the request on (kill the agent that sent it)
     */
    public record Fault(String method, Pattern path, Kind kind, int status, int retryAfterSeconds, Duration delay, int every,
                        int times, Runnable action) {

        public static Fault answer(String method, String path, int status, int retryAfterSeconds, int every) {
            return new Fault(method, Pattern.compile(path), Kind.ANSWER, status, retryAfterSeconds, Duration.ZERO, every, 0, null);
        }

        public static Fault of(Kind kind, String method, String path, Duration delay, int every) {
            return new Fault(method, Pattern.compile(path), kind, 0, 0, delay, every, 0, null);
        }

        /** Runs {@code action} at the {@code nth} matching request, once. */
        public static Fault call(String method, String path, int nth, Runnable action) {
            return new Fault(method, Pattern.compile(path), Kind.CALL, 0, 0, Duration.ZERO, nth, 1, action);
        }

        public Fault times(int n) {
            return new Fault(method, path, kind, status, retryAfterSeconds, delay, every, n, action);
        }

        boolean matches(String m, String target) {
            return (method.equals("*") || method.equalsIgnoreCase(m)) && path.matcher(target).find();
        }
    }

    private final KubeControlPlane upstream;
    private final SSLServerSocket server;
    private final SSLSocketFactory upstreamTls = SelfSignedTls.trustAll().getSocketFactory();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final AtomicInteger injected = new AtomicInteger();
    private final java.util.Set<Socket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private static final class Rule {
        final Fault fault;
        final AtomicInteger seen = new AtomicInteger();
        final AtomicInteger hit = new AtomicInteger();

        Rule(Fault fault) {
            this.fault = fault;
        }

        /** Counts a matching request; whether this one gets the fault. */
        boolean fires() {
            int n = seen.incrementAndGet();
            if (n % Math.max(1, fault.every()) != 0) {
                return false;
            }
            return fault.times() == 0 || hit.incrementAndGet() <= fault.times();
        }
    }

    public FaultProxy(KubeControlPlane upstream, Path dir) throws IOException, InterruptedException {
        this.upstream = upstream;
        SelfSignedTls tls = SelfSignedTls.create(dir, "fault-proxy");
        this.server = (SSLServerSocket) tls.server().getServerSocketFactory().createServerSocket(0, 128,
                InetAddress.getLoopbackAddress());
        threads.execute(() -> {
            while (!closed) {
                try {
                    Socket client = server.accept();
                    threads.execute(() -> handle(client));
                } catch (IOException e) {
                    if (!closed) {
                        continue;
                    }
                }
            }
        });
    }

    public String url() {
        return "https://127.0.0.1:" + server.getLocalPort();
    }

    /** The control plane's client config, through this proxy. */
    public Config config() {
        return new ConfigBuilder(upstream.config()).withMasterUrl(url()).build();
    }

    public FaultProxy inject(Fault fault) {
        rules.add(new Rule(fault));
        return this;
    }

    /** Removes every fault: the proxy passes everything on from now. */
    public void clear() {
        rules.clear();
    }

    /** How many requests got a fault so far. */
    public int injected() {
        return injected.get();
    }

    /**
     * One client connection, paired with one upstream connection for its life: requests are
     * read one by one (clients do not pipeline, so when one arrives every earlier answer
     * was delivered) and either passed on or answered here; answers from upstream are
     * relayed as they come. After a WebSocket upgrade both directions are relayed raw.
     */
    private void handle(Socket client) {
        open.add(client);
        Socket up = null;
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            URI api = URI.create(upstream.url());
            up = upstreamTls.createSocket(api.getHost(), api.getPort());
            open.add(up);
            Socket upstreamSocket = up;
            threads.execute(() -> {
                try {
                    pipe(upstreamSocket.getInputStream(), out);
                } catch (IOException e) {
                    // upstream gone
                } finally {
                    closeQuietly(client); // the client learns the connection ended
                }
            });
            OutputStream toUpstream = up.getOutputStream();
            for (String head = readHead(in); head != null; head = readHead(in)) {
                byte[] body = readBody(head, in);
                String[] requestLine = head.substring(0, head.indexOf("\r\n")).split(" ");
                Fault fault = null;
                for (Rule r : rules) {
                    if (r.fault.matches(requestLine[0], requestLine[1]) && r.fires()) {
                        fault = r.fault;
                        break;
                    }
                }
                if (fault != null) {
                    injected.incrementAndGet();
                    switch (fault.kind()) {
                        case ANSWER -> {
                            answer(out, fault);
                            continue;
                        }
                        case RESET -> {
                            client.setSoLinger(true, 0); // a TCP reset, not a clean close
                            return;
                        }
                        case STALL -> {
                            Thread.sleep(fault.delay().toMillis());
                            return;
                        }
                        case DELAY -> Thread.sleep(fault.delay().toMillis());
                        case CALL -> fault.action().run();
                        default -> throw new IllegalStateException();
                    }
                }
                toUpstream.write(head.getBytes(StandardCharsets.ISO_8859_1));
                toUpstream.write(body);
                toUpstream.flush();
                if (head.toLowerCase(Locale.ROOT).contains("\r\nupgrade:")) {
                    pipe(in, toUpstream); // a WebSocket: frames from here on
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            // either side went away: so does the other
        } finally {
            closeQuietly(up);
            open.remove(client);
            if (up != null) {
                open.remove(up);
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            if (s != null) {
                s.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** The request's body as sent (Content-Length, or chunked with its framing), to pass on or drop whole. */
    private static byte[] readBody(String head, InputStream in) throws IOException {
        java.util.regex.Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(head);
        if (length.find()) {
            return in.readNBytes(Integer.parseInt(length.group(1)));
        }
        if (!Pattern.compile("(?im)^transfer-encoding:.*chunked").matcher(head).find()) {
            return new byte[0];
        }
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            raw.writeBytes((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            raw.writeBytes(in.readNBytes(size + 2));
            if (size == 0) {
                return raw.toByteArray();
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    /** The request head up to and including the blank line, or null at end of stream. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        for (int c = in.read(); c != -1; c = in.read()) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                return head.toString();
            }
            if (head.length() > 64 * 1024) {
                throw new IOException("request head too long");
            }
        }
        return null;
    }

    private static void pipe(InputStream from, OutputStream to) {
        byte[] buf = new byte[16 * 1024];
        try {
            for (int n = from.read(buf); n >= 0; n = from.read(buf)) {
                synchronized (to) { // answers written here share the client's stream
                    to.write(buf, 0, n);
                    to.flush();
                }
            }
        } catch (IOException e) {
            // closed on either side
        }
    }

    private static void answer(OutputStream out, Fault fault) throws IOException {
        String reason = switch (fault.status()) {
            case 429 -> "TooManyRequests";
            case 503 -> "ServiceUnavailable";
            case 504 -> "Timeout";
            default -> "InternalError";
        };
        String details = fault.retryAfterSeconds() > 0 ? ",\"details\":{\"retryAfterSeconds\":" + fault.retryAfterSeconds() + "}" : "";
        byte[] status = ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"injected by the fault proxy: "
                + reason + "\",\"reason\":\"" + reason + "\"" + details + ",\"code\":" + fault.status() + "}").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + fault.status() + " " + reason + "\r\nContent-Type: application/json\r\nContent-Length: "
                + status.length + "\r\n"
                + (fault.retryAfterSeconds() > 0 ? "Retry-After: " + fault.retryAfterSeconds() + "\r\n" : "") + "\r\n";
        synchronized (out) {
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(status);
            out.flush();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        open.forEach(FaultProxy::closeQuietly);
        threads.shutdownNow();
    }
}
