package dev.capstan.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Git's own smart-HTTP server ({@code git http-backend}, run as CGI per request) on
 * 127.0.0.1, optionally behind HTTP basic auth with a token as the password, the way
 * GitHub and GitLab take tokens. Counts the requests it answers.
 */
public final class GitHttpServer implements AutoCloseable {

    private static final String BACKEND = "/usr/lib/git-core/git-http-backend";

    private final HttpServer server;
    private final Path projectRoot;
    private final String token;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    /** @param token required password, or null for anonymous access */
    public GitHttpServer(Path bareRepo, String token) {
        this.projectRoot = bareRepo.getParent();
        this.token = token;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        this.repoName = bareRepo.getFileName().toString();
    }

    private final String repoName;

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + repoName;
    }

    public int requests() {
        return requests.get();
    }

    /** Requests answered 401 for missing or wrong credentials. */
    public int refused() {
        return refused.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (token != null && !authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
                refused.incrementAndGet();
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
                ex.sendResponseHeaders(401, -1);
                return;
            }
            requests.incrementAndGet();
            cgi(ex);
        }
    }

    private boolean authorized(String header) {
        if (header == null || !header.startsWith("Basic ")) {
            return false;
        }
        String decoded = new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return colon >= 0 && decoded.substring(colon + 1).equals(token);
    }

    private void cgi(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        ProcessBuilder pb = new ProcessBuilder(BACKEND);
        Map<String, String> env = pb.environment();
        env.put("GIT_PROJECT_ROOT", projectRoot.toString());
        env.put("GIT_HTTP_EXPORT_ALL", "1");
        env.put("PATH_INFO", ex.getRequestURI().getPath());
        env.put("QUERY_STRING", ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery());
        env.put("REQUEST_METHOD", ex.getRequestMethod());
        env.put("CONTENT_LENGTH", String.valueOf(body.length));
        env.put("REMOTE_ADDR", "127.0.0.1");
        env.put("REMOTE_USER", "tester");
        putIfPresent(env, "CONTENT_TYPE", ex.getRequestHeaders().getFirst("Content-Type"));
        putIfPresent(env, "HTTP_CONTENT_ENCODING", ex.getRequestHeaders().getFirst("Content-Encoding"));
        putIfPresent(env, "GIT_PROTOCOL", ex.getRequestHeaders().getFirst("Git-Protocol"));
        Process p = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(body);
        }
        byte[] out;
        try (InputStream stdout = p.getInputStream()) {
            out = stdout.readAllBytes();
        }
        int headerEnd = indexOf(out, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        int sep = 4;
        if (headerEnd < 0) {
            headerEnd = indexOf(out, "\n\n".getBytes(StandardCharsets.US_ASCII));
            sep = 2;
        }
        int status = 200;
        for (String line : new String(out, 0, Math.max(headerEnd, 0), StandardCharsets.ISO_8859_1).split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Status")) {
                status = Integer.parseInt(value.split(" ")[0]);
            } else {
                ex.getResponseHeaders().add(name, value);
            }
        }
        int start = headerEnd < 0 ? 0 : headerEnd + sep;
        int length = out.length - start;
        ex.sendResponseHeaders(status, length == 0 ? -1 : length);
        if (length > 0) {
            ex.getResponseBody().write(out, start, length);
        }
    }

    private static void putIfPresent(Map<String, String> env, String key, String value) {
        if (value != null) {
            env.put(key, value);
        }
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        server.stop(0);
    }

}
