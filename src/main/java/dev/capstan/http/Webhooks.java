package dev.capstan.http;

import dev.capstan.config.ApplicationSpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.json.JsonMapper;

/**
 * Push webhooks from GitHub (HMAC-SHA256 signature), GitLab (secret token) or anything
 * else (bearer token), so a push syncs at once instead of at the next poll. Verifies the
 * sender, then picks the applications whose repository and ref the push is about.
 * Pure apart from the secret supplier: no I/O.
 */
public final class Webhooks {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The providers there is a route for; any other is refused before its body is read. */
    public static final List<String> PROVIDERS = List.of("github", "gitlab", "generic");

    /**
     * What a delivery asks for.
     *
     * @param note why nothing was triggered although the delivery was accepted (a replay), or null
     */
    public record Outcome(int status, String error, List<String> apps, String note) {
        Outcome(int status, String error, List<String> apps) {
            this(status, error, apps, null);
        }
    }

    private final Supplier<List<ApplicationSpec>> apps;
    private final Supplier<Optional<String>> secret;
    private final DeliveryIds deliveries = new DeliveryIds(4096);

    /** @param apps the applications now (they come and go with Application resources) */
    public Webhooks(Supplier<List<ApplicationSpec>> apps, Supplier<Optional<String>> secret) {
        this.apps = apps;
        this.secret = secret;
    }


    /** @param headers lower-case header names */
    public Outcome handle(String provider, Map<String, String> headers, byte[] body) {
        if (!PROVIDERS.contains(provider)) {
            return unknown(provider);
        }
        Optional<String> key = secret.get().filter(s -> !s.isEmpty());
        if (key.isEmpty()) {
            return new Outcome(401, "no webhook secret configured (server.webhookSecretFile or server.webhookSecretEnv)", List.of());
        }
        boolean verified = switch (provider) {
            case "github" -> verifyGithub(key.get(), headers.get("x-hub-signature-256"), body);
            case "gitlab" -> Access.equal(headers.get("x-gitlab-token"), key.get());
            case "generic" -> Access.equal(bearer(headers.get("authorization")), key.get());
            default -> false;
        };
        if (!verified) {
            return new Outcome(401, "signature or token does not match the webhook secret", List.of());
        }
        String delivery = headers.get(provider.equals("github") ? "x-github-delivery" : "idempotency-key");
        if (!deliveries.first(delivery == null ? null : provider + "/" + delivery)) {
            return new Outcome(200, null, List.of(), "delivery " + quoted(delivery) + " was already received; ignored");
        }
        if ("ping".equals(headers.get("x-github-event"))) {
            return new Outcome(200, null, List.of());
        }
        Map<?, ?> payload;
        try {
            payload = body.length == 0 ? Map.of() : JSON.readValue(body, Map.class);
        } catch (RuntimeException e) {
            return new Outcome(400, "body is not a JSON object", List.of());
        }
        List<String> urls = new ArrayList<>();
        Object ref = payload.get("ref");
        switch (provider) {
            case "github" -> collect(payload.get("repository"), urls, "clone_url", "ssh_url", "git_url", "html_url", "url");
            case "gitlab" -> {
                collect(payload.get("project"), urls, "git_http_url", "git_ssh_url", "web_url", "http_url", "ssh_url");
                collect(payload.get("repository"), urls, "git_http_url", "git_ssh_url", "homepage", "url");
            }
            default -> {
                if (payload.get("repository") instanceof String r) {
                    urls.add(r);
                }
            }
        }
        List<String> matched = new ArrayList<>();
        for (ApplicationSpec app : apps.get()) {
            boolean repoMatches = urls.isEmpty() && provider.equals("generic")
                    || urls.stream().anyMatch(u -> normalize(u).equals(normalize(app.repo().url())));
            if (repoMatches && refMatches(app.repo().ref(), ref == null ? null : String.valueOf(ref))) {
                matched.add(app.name());
            }
        }
        return new Outcome(202, null, matched);
    }

    /**
     * A sender's header as it may be echoed into an answer and the log: at most 64 characters, control characters
     * (a forged log line) replaced. Found by {@code WebhookFuzzTest}: the id was echoed whole.
     */
    static String quoted(String header) {
        String cut = header.length() > 64 ? header.substring(0, 64) + "..." : header;
        return "\"" + cut.codePoints().map(c -> Character.isISOControl(c) || c == '"' ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append) + "\"";
    }

    public static Outcome unknown(String provider) {
        return new Outcome(404, "unknown webhook provider " + quoted(provider) + "; use github, gitlab or generic", List.of());
    }

    /** host/path of a repository URL, whatever its form: https, ssh, scp-like, with or without .git or user info. */
    static String normalize(String url) {
        String u = url.trim().toLowerCase(Locale.ROOT);
        u = u.replaceFirst("^[a-z+]+://", "");
        u = u.replaceFirst("^[^/@]+@", "");
        u = u.replaceFirst("^([^/:]+):(?!\\d+/)", "$1/"); // scp-like host:path
        u = u.replaceFirst("^([^/:]+):\\d+/", "$1/"); // drop a port
        u = u.replaceAll("/+$", "");
        return u.endsWith(".git") ? u.substring(0, u.length() - 4) : u;
    }

    /** A push to {@code pushed} concerns an app following {@code appRef} (HEAD follows every branch push). */
    static boolean refMatches(String appRef, String pushed) {
        if (pushed == null || appRef == null || appRef.equals("HEAD")) {
            return true;
        }
        return pushed.equals(appRef) || pushed.equals("refs/heads/" + appRef) || pushed.equals("refs/tags/" + appRef);
    }

    private static void collect(Object section, List<String> urls, String... keys) {
        if (section instanceof Map<?, ?> m) {
            for (String k : keys) {
                if (m.get(k) instanceof String s && !s.isEmpty()) {
                    urls.add(s);
                }
            }
        }
    }

    private static boolean verifyGithub(String secret, String header, byte[] body) {
        if (header == null || !header.startsWith("sha256=")) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String expected = HexFormat.of().formatHex(mac.doFinal(body));
            return Access.equal(header.substring(7).toLowerCase(Locale.ROOT), expected);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String bearer(String header) {
        return header != null && header.startsWith("Bearer ") ? header.substring(7).trim() : null;
    }

}
