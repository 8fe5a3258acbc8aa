package dev.capstan.http;

import dev.capstan.metrics.CapstanMetrics;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson3;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import tools.jackson.databind.json.JsonMapper;

/**
 * Capstan's one HTTP port: probes, Prometheus metrics, the status API and the manual
 * sync trigger. A thin adapter: handlers only read status and call the agent.
 */
public final class StatusServer implements AutoCloseable {

    private final Javalin app;

    /**
     * @param statuses every application's status now (apps come and go with Application resources)
     * @param ready whether caches are synced and config loaded
     * @param token the sync API's bearer token (empty: sync API refuses every request)
     * @param peerToken also accepted by the sync API: the token this replica publishes in its
     *        shard Lease, with which the other replicas forward a sync of an app this one owns
     * @param sync triggers a reconcile of the named app, asked for by a person (or a peer forwarding one)
     * @param pushed triggers a reconcile of the named app because its repository was pushed to
     */
    public StatusServer(String host, int port, Supplier<List<? extends ApplicationView>> statuses, BooleanSupplier ready,
                        CapstanMetrics metrics, Supplier<Optional<String>> token, Optional<String> peerToken, Consumer<String> sync,
                        Consumer<String> pushed, Webhooks webhooks) {
        Views views = new Views(statuses);
        this.app = Javalin.create(cfg -> {
            cfg.jsonMapper(new JavalinJackson3(JsonMapper.builder().build(), false));
            cfg.jetty.host = host;
            cfg.jetty.port = port;
            cfg.startup.showJavalinBanner = false;
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
                if (!authorized(ctx, token.get()) && !authorized(ctx, peerToken)) {
                    ctx.header("WWW-Authenticate", "Bearer").status(401).json(Map.of("error", "missing or wrong bearer token"));
                    return;
                }
                String name = ctx.pathParam("name");
                if (views.find(name) == null) {
                    notFound(ctx);
                    return;
                }
                sync.accept(name);
                ctx.status(202).json(Map.of("application", name, "sync", "triggered"));
            });
            cfg.routes.post("/api/v1/webhooks/{provider}", ctx -> {
                Map<String, String> headers = new java.util.HashMap<>();
                ctx.headerMap().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v));
                Webhooks.Outcome o = webhooks.handle(ctx.pathParam("provider"), headers, ctx.bodyAsBytes());
                o.apps().forEach(pushed);
                ctx.status(o.status()).json(o.error() != null ? Map.of("error", o.error()) : Map.of("triggered", o.apps()));
            });
            cfg.routes.get("/", ctx -> page(ctx).html(StatusPage.render(statuses.get())));
            cfg.routes.get("/ui/{file}", ctx -> {
                String type = ASSETS.get(ctx.pathParam("file"));
                java.io.InputStream in = type == null ? null : StatusServer.class.getResourceAsStream("ui/" + ctx.pathParam("file"));
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

    private static boolean authorized(Context ctx, Optional<String> token) {
        String header = ctx.header("Authorization");
        if (token.isEmpty() || token.get().isEmpty() || header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(header.substring(7).trim().getBytes(StandardCharsets.UTF_8),
                token.get().getBytes(StandardCharsets.UTF_8));
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
