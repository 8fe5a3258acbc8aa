package dev.capstan.testkit;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every request a fabric8 client sends ({@code PATCH /api/v1/namespaces/x/configmaps/y?dryRun=All}),
 * so tests can assert exactly what the agent did to the API server: counts are stable, timings are not.
 */
public final class RequestLog implements Interceptor {

    /** One request line and when it was sent ({@link System#nanoTime()}), for benchmarks' phase times. */
    public record Sent(String line, long nanos) {
    }

    private final List<Sent> requests = new CopyOnWriteArrayList<>();

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        String query = request.uri().getRawQuery();
        requests.add(new Sent(request.method() + " " + request.uri().getRawPath() + (query == null ? "" : "?" + query),
                System.nanoTime()));
    }

    public List<String> all() {
        return requests.stream().map(Sent::line).toList();
    }

    public List<Sent> sent() {
        return List.copyOf(requests);
    }

    /** Requests that can change something: POST, PUT, PATCH, DELETE. */
    public List<String> mutating() {
        return all().stream().filter(r -> !r.startsWith("GET ")).toList();
    }

    public void clear() {
        requests.clear();
    }
}
