package dev.capstan.cluster;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the requests the agent's Kubernetes client sends, by kind of request: a count is
 * the stable measure of what the agent costs the API server (a no-op resync should cost
 * none), where a time is noise. {@code capstan_kube_requests_total{verb}} exports it.
 * Verbs as the API server's audit log names them: get, list, watch, create, patch,
 * update, delete, and dry-run for a write with {@code dryRun=All}.
 */
public final class KubeRequests implements Interceptor {

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        String query = request.uri().getRawQuery() == null ? "" : request.uri().getRawQuery();
        counts.computeIfAbsent(verb(request.method(), query), v -> new AtomicLong()).incrementAndGet();
    }

    static String verb(String method, String query) {
        if (query.contains("dryRun=All")) {
            return "dry-run";
        }
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "GET" -> query.contains("watch=true") ? "watch" : "get-or-list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> "delete";
            default -> method.toLowerCase(Locale.ROOT);
        };
    }

    /** Requests so far, by verb. */
    public Map<String, AtomicLong> counts() {
        return counts;
    }
}
