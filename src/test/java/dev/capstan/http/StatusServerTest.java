package dev.capstan.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.config.ApplicationSpec;
import dev.capstan.metrics.CapstanMetrics;
import dev.capstan.testkit.HttpJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP surface against hostile or careless clients, over real sockets: no agent behind it. */
class StatusServerTest {

    private static final String SYNC_TOKEN = "sync-token";
    private static final String HOOK_SECRET = "hook-secret";

    private final List<String> synced = new CopyOnWriteArrayList<>();
    private final List<String> pushed = new CopyOnWriteArrayList<>();
    private final AtomicReference<Optional<String>> readToken = new AtomicReference<>(Optional.of("read-token"));
    private StatusServer server;

    private record View(String name) implements ApplicationView {
        @Override
        public Map<String, Object> toJson() {
            return Map.of("name", name);
        }
    }

    private HttpJson start(boolean guardReads, HttpLimits limits) {
        ApplicationSpec shop = new ApplicationSpec("shop", new ApplicationSpec.Repo("https://github.com/acme/apps.git", "main", "",
                new ApplicationSpec.Auth(null, null, null, null, null)), new ApplicationSpec.Destination("default"),
                new ApplicationSpec.Sync(Duration.ofMinutes(3), false, false, Duration.ofMinutes(5), false, false, List.of()));
        server = new StatusServer("127.0.0.1", 0, () -> List.of(new View("shop"), new View("blog")), () -> true, new CapstanMetrics(),
                new StatusServer.Tokens(() -> Optional.of(SYNC_TOKEN), guardReads ? readToken::get : null, Optional.empty()),
                synced::add, pushed::add, new Webhooks(() -> List.of(shop), () -> Optional.of(HOOK_SECRET)), limits).start();
        return new HttpJson(server.port());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aBodyOverOneMebibyteIsRefusedWith413WhetherDeclaredOrChunked() throws IOException {
        HttpJson http = start(false, HttpLimits.defaults());
        Map<String, String> auth = Map.of("Authorization", "Bearer " + HOOK_SECRET);
        for (String path : List.of("/api/v1/webhooks/generic", "/api/v1/applications/shop/sync")) {
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.setSoTimeout(5_000);
                // declares one byte over the limit and sends none of it: the answer comes before any body is read
                s.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + SYNC_TOKEN
                        + "\r\nContent-Length: " + (1024 * 1024 + 1) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                assertTrue(statusLine(s.getInputStream()).contains(" 413 "), path);
            }
        }
        byte[] padded = ("{\"ref\":\"main\",\"pad\":\"" + "x".repeat(1024 * 1024 - 40) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertTrue(padded.length <= 1024 * 1024);
        assertEquals(202, http.post("/api/v1/webhooks/generic", auth, padded).statusCode(), "up to 1 MiB is read");
        pushed.clear();
        String chunked = "POST /api/v1/webhooks/generic HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + HOOK_SECRET
                + "\r\nTransfer-Encoding: chunked\r\n\r\n";
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(chunked.getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < 16; i++) { // 1 MiB ...
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("1\r\nx\r\n".getBytes(StandardCharsets.US_ASCII)); // ... and one byte, never terminated
            out.flush();
            assertTrue(statusLine(s.getInputStream()).contains(" 413 "));
        }
        assertEquals(List.of(), pushed, "nothing was triggered by a refused body");
    }

    @Test
    void anUnknownProviderIsRefusedBeforeItsBodyIsRead() throws IOException {
        start(false, HttpLimits.defaults());
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5_000);
            // declares 900 KiB and sends none of it: an answer proves the body was never waited for
            s.getOutputStream().write(("POST /api/v1/webhooks/bitbucket HTTP/1.1\r\nHost: x\r\nContent-Length: 921600\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertTrue(statusLine(s.getInputStream()).contains(" 404 "));
        }
    }

    @Test
    void aReplayedGithubDeliveryIsIgnored() throws Exception {
        HttpJson http = start(false, HttpLimits.defaults());
        byte[] body = "{\"ref\":\"refs/heads/main\",\"repository\":{\"clone_url\":\"https://github.com/acme/apps.git\"}}"
                .getBytes(StandardCharsets.UTF_8);
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(HOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        Map<String, String> headers = Map.of("X-Hub-Signature-256", "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(body)),
                "X-GitHub-Event", "push", "X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958");
        assertEquals(202, http.post("/api/v1/webhooks/github", headers, body).statusCode());
        HttpResponse<String> again = http.post("/api/v1/webhooks/github", headers, body);
        assertEquals(200, again.statusCode());
        assertTrue(again.body().contains("already received"), again.body());
        assertEquals(List.of("shop"), pushed);
        Map<String, String> other = new java.util.HashMap<>(headers);
        other.put("X-GitHub-Delivery", "9a1c2f4e-0000-11e3-81ab-4c9367dc0958");
        assertEquals(202, http.post("/api/v1/webhooks/github", other, body).statusCode());
        assertEquals(List.of("shop", "shop"), pushed);
    }

    @Test
    void manualSyncsAreRateLimitedPerApp() {
        HttpJson http = start(false, HttpLimits.defaults().withSyncRate(3, Duration.ofSeconds(10)));
        for (int i = 0; i < 3; i++) {
            assertEquals(202, http.post("/api/v1/applications/shop/sync", SYNC_TOKEN).statusCode());
        }
        HttpResponse<String> limited = http.post("/api/v1/applications/shop/sync", SYNC_TOKEN);
        assertEquals(429, limited.statusCode());
        long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 10, "Retry-After " + retryAfter);
        assertEquals(202, http.post("/api/v1/applications/blog/sync", SYNC_TOKEN).statusCode(), "another app is not held");
        assertEquals(401, http.post("/api/v1/applications/shop/sync", "wrong").statusCode(), "a wrong token is refused first");
        assertEquals(List.of("shop", "shop", "shop", "blog"), synced);
    }

    @Test
    void readsNeedTheReadTokenWhenOneIsConfigured() {
        HttpJson http = start(true, HttpLimits.defaults());
        HttpResponse<String> anonymous = http.get("/api/v1/applications");
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
        assertEquals(401, http.get("/").statusCode());
        assertEquals(401, http.get("/api/v1/applications/shop").statusCode());
        assertEquals(200, http.get("/healthz").statusCode());
        assertEquals(200, http.get("/readyz").statusCode());
        assertEquals(200, http.get("/metrics").statusCode());
        assertEquals(200, get(http, "/api/v1/applications", "Bearer read-token"));
        assertEquals(200, get(http, "/api/v1/applications/shop", "Bearer " + SYNC_TOKEN), "the sync token may read too");
        String basic = "Basic " + Base64.getEncoder().encodeToString("anyone:read-token".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, get(http, "/", basic), "a browser's Basic prompt opens the page");
        assertEquals(401, get(http, "/api/v1/applications", "Bearer wrong"));
        readToken.set(Optional.of(""));
        assertEquals(401, get(http, "/api/v1/applications", "Bearer "), "an unreadable token closes reads, never opens them");
        assertEquals(401, get(http, "/api/v1/applications", "Bearer read-token"));
    }

    @Test
    void readsAreOpenByDefault() {
        HttpJson http = start(false, HttpLimits.defaults());
        assertEquals(200, http.get("/api/v1/applications").statusCode());
        assertEquals(200, http.get("/").statusCode());
    }

    @Test
    void aConnectionStalledInItsHeadersIsClosedAfterTheIdleTimeout() throws IOException {
        start(false, HttpLimits.defaults().withIdleTimeout(Duration.ofSeconds(1)));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /api/v1/applications HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            InputStream in = s.getInputStream();
            while (in.read() != -1) {
                // whatever Jetty answers (408 or nothing), the connection must end
            }
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(8).toNanos());
        }
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5_000);
            String huge = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(64 * 1024) + "\r\n\r\n";
            s.getOutputStream().write(huge.getBytes(StandardCharsets.US_ASCII));
            assertTrue(statusLine(s.getInputStream()).contains(" 431 "));
        }
    }

    private static int get(HttpJson http, String path, String authorization) {
        return http.get(path, Map.of("Authorization", authorization)).statusCode();
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            line.append((char) c);
        }
        return line.toString();
    }
}
