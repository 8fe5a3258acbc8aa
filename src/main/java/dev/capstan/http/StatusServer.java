package dev.capstan.http;

import dev.capstan.metrics.CapstanMetrics;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson3;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.ServerConnector;
import tools.jackson.databind.json.JsonMapper;

/**
 * Capstan's one HTTP port: probes, Prometheus metrics, the status API and the manual
 * sync trigger. A thin adapter: handlers only read status and call the agent.
 */
public final class StatusServer implements AutoCloseable {

    /**
     * The tokens the port checks, re-read per request (a rotated file takes effect at once).
     *
     * @param sync the sync API's bearer token (empty: the sync API refuses every request)
     * @param read null when reads are open; otherwise the token reads need (empty: every read refused,
     *        so an unreadable token file closes the API instead of opening it)
     * @param peer also accepted by the sync API and reads: the token this replica publishes in its
     *        shard Lease, with which the other replicas forward a sync of an app this one owns
     */
    public record Tokens(Supplier<Optional<String>> sync, Supplier<Optional<String>> read, Optional<String> peer) {
    }

    private final Javalin app;

    /**
     * @param statuses every application's status now (apps come and go with Application resources)
     * @param ready whether caches are synced and config loaded
     * @param sync triggers a reconcile of the named app, asked for by a person (or a peer forwarding one)
     * @param pushed triggers a reconcile of the named app because its repository was pushed to
     */
    public StatusServer(String host, int port, Supplier<List<? extends ApplicationView>> statuses, BooleanSupplier ready,
                        CapstanMetrics metrics, Tokens tokens, Consumer<String> sync, Consumer<String> pushed, Webhooks webhooks,
                        HttpLimits limits) {
        Views views = new Views(statuses);
        SyncRateLimit rate = new SyncRateLimit(limits.syncBurst(), limits.syncEvery(), System::nanoTime);
        this.app = Javalin.create(cfg -> {
            cfg.jsonMapper(new JavalinJackson3(JsonMapper.builder().build(), false));
            cfg.startup.showJavalinBanner = false;
            cfg.http.maxRequestSize = limits.maxBodyBytes();
            cfg.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                connector.setHost(host);
                connector.setPort(port);
                connector.setIdleTimeout(limits.idleTimeout().toMillis());
                return connector;
            });
            cfg.jetty.modifyServer(server -> server.addBean(new NetworkConnectionLimit(limits.maxConnections(), server)));
            cfg.routes.before(ctx -> {
                if (ctx.req().getContentLengthLong() > limits.maxBodyBytes()) {
                    tooLarge(ctx, limits);
                    ctx.skipRemainingHandlers();
                } else if (List.of("GET", "HEAD").contains(ctx.req().getMethod()) && !readable(ctx, tokens)) {
                    ctx.skipRemainingHandlers();
                }
            });
            cfg.routes.get("/healthz", ctx -> ctx.result("ok"));
            cfg.routes.get("/readyz", ctx -> {
                boolean ok = ready.getAsBoolean();
                ctx.status(ok ? 200 : 503).result(ok ? "ok" : "not ready: caches not synced");
            });
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
            cfg.routes.get("/api/v1/applications", ctx -> ctx.json(statuses.get().stream().map(ApplicationView::toJson).toList()));
            cfg.routes.get("/api/v1/applications/{name}", ctx -> {
                ApplicationView s = views.find(ctx.pathParam("name"));
                if (s == null) {
                    notFound(ctx);
                    return;
                }
                ctx.json(s.toJson());
            });
            cfg.routes.post("/api/v1/applications/{name}/sync", ctx -> {
                if (!Access.bearer(ctx.header("Authorization"), tokens.sync().get())
                        && !Access.bearer(ctx.header("Authorization"), tokens.peer())) {
                    ctx.header("WWW-Authenticate", "Bearer").status(401).json(Map.of("error", "missing or wrong bearer token"));
                    return;
                }
                String name = ctx.pathParam("name");
                if (views.find(name) == null) {
                    notFound(ctx);
                    return;
                }
                Optional<Duration> wait = rate.take(name);
                if (wait.isPresent()) {
                    long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
                    ctx.header("Retry-After", Long.toString(seconds)).status(429).json(Map.of("error", "application \"" + name
                            + "\" was asked to sync " + limits.syncBurst() + " times recently; try again in " + seconds + " s"));
                    return;
                }
                sync.accept(name);
                ctx.status(202).json(Map.of("application", name, "sync", "triggered"));
            });
            cfg.routes.post("/api/v1/webhooks/{provider}", ctx -> {
                String provider = ctx.pathParam("provider");
                if (!Webhooks.PROVIDERS.contains(provider)) {
                    answer(ctx, Webhooks.unknown(provider));
                    return;
                }
                byte[] body = readAtMost(ctx.bodyInputStream(), limits.maxBodyBytes());
                if (body == null) {
                    tooLarge(ctx, limits);
                    return;
                }
                Map<String, String> headers = new java.util.HashMap<>();
                ctx.headerMap().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v));
                Webhooks.Outcome o = webhooks.handle(provider, headers, body);
                o.apps().forEach(pushed);
                answer(ctx, o);
            });
            cfg.routes.get("/", ctx -> page(ctx).html(StatusPage.render(statuses.get())));
            cfg.routes.get("/ui/{file}", ctx -> {
                String type = ASSETS.get(ctx.pathParam("file"));
                InputStream in = type == null ? null : StatusServer.class.getResourceAsStream("ui/" + ctx.pathParam("file"));
                if (in == null) {
                    ctx.status(404).result("not found");
                    return;
                }
                try (in) {
                    page(ctx).contentType(type).header("Cache-Control", "no-cache").result(in.readAllBytes());
                }
            });
        });
    }

    /** The page's own files, and their types: nothing else is served from the class path. */
    private static final Map<String, String> ASSETS = Map.of("capstan.js", "text/javascript; charset=utf-8",
            "capstan.css", "text/css; charset=utf-8");

    /** Probes and metrics stay open (kubelet and Prometheus); the status, its page and files may need the read token. */
    private static boolean readable(Context ctx, Tokens tokens) {
        String path = ctx.path();
        if (tokens.read() == null || path.equals("/healthz") || path.equals("/readyz") || path.equals("/metrics")) {
            return true;
        }
        String header = ctx.header("Authorization");
        if (Access.bearerOrBasic(header, tokens.read().get()) || Access.bearerOrBasic(header, tokens.sync().get())
                || Access.bearer(header, tokens.peer())) {
            return true;
        }
        ctx.header("WWW-Authenticate", "Basic realm=\"capstan\", charset=\"UTF-8\"").status(401)
                .json(Map.of("error", "reads need the read token (server.readTokenFile): Authorization: Bearer <token>, "
                        + "or Basic with the token as password"));
        return false;
    }

    /** The body, or null when it is longer than {@code max} (read no further than that). */
    private static byte[] readAtMost(InputStream in, long max) throws IOException {
        byte[] body = in.readNBytes((int) max + 1);
        return body.length > max ? null : body;
    }

    private static void tooLarge(Context ctx, HttpLimits limits) {
        ctx.header("Connection", "close").status(413).json(Map.of("error", "request body larger than "
                + limits.maxBodyBytes() + " bytes"));
    }

    private static void answer(Context ctx, Webhooks.Outcome o) {
        ctx.status(o.status()).json(o.error() != null ? Map.of("error", o.error())
                : o.note() != null ? Map.of("triggered", o.apps(), "note", o.note()) : Map.of("triggered", o.apps()));
    }

    /** Headers for the page and its files: the strict policy that keeps it safe to leave open. */
    private static Context page(Context ctx) {
        return ctx.header("Content-Security-Policy", StatusPage.CSP).header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer");
    }

    /** Lookup by name over the current statuses. */
    private record Views(Supplier<List<? extends ApplicationView>> statuses) {
        ApplicationView find(String name) {
            return statuses.get().stream().filter(v -> v.name().equals(name)).findFirst().orElse(null);
        }
    }

    private static void notFound(Context ctx) {
        ctx.status(404).json(Map.of("error", "no application named \"" + ctx.pathParam("name") + "\""));
    }

    public StatusServer start() {
        app.start();
        return this;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
