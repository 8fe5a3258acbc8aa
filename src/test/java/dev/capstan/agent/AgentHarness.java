package dev.capstan.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capstan.config.AgentConfig;
import dev.capstan.config.ConfigLoader;
import dev.capstan.testkit.GitDaemonServer;
import dev.capstan.testkit.GitRemote;
import dev.capstan.testkit.HttpJson;
import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.RequestLog;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One agent under test: a Git repository served over git:// on 127.0.0.1, the agent
 * in-process with a request-logging client, and its HTTP API. Tests commit, trigger a
 * sync through the real API, and read status and metrics over HTTP.
 */
final class AgentHarness implements AutoCloseable {

    static final String TOKEN = "sync-token-for-tests";
    static final String HOOK_SECRET = "webhook-secret-for-tests";

    final GitRemote remote;
    final GitDaemonServer daemon;
    final RequestLog requests = new RequestLog();
    final KubernetesClient client;
    final String agentNamespace;
    private final Path cache;
    Agent agent;
    HttpJson http;
    /** The repository URL the agent is given (default: the daemon's). */
    String repoUrl;
    /** More keys of {@code repo:} (", timeout: 2s"). */
    String repoOptions = "";
    /** More top-level keys of the agent's config, as YAML lines ("managedNamespaces: [a]\n"). */
    String agentOptions = "";

    AgentHarness(Path tmp, KubeControlPlane cp, String agentNamespace) {
        this(tmp, cp.agentConfig(), agentNamespace);
    }

    /** @param config how the agent reaches the API server (through a fault proxy, as another identity) */
    AgentHarness(Path tmp, io.fabric8.kubernetes.client.Config config, String agentNamespace) {
        this.remote = GitRemote.create(tmp.resolve("origin"));
        this.daemon = new GitDaemonServer(remote.bareDir());
        this.client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config)
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("request-log", requests)).build();
        this.agentNamespace = agentNamespace;
        this.cache = tmp.resolve("cache");
    }

    /** Starts an agent serving one application "shop" with the given {@code sync:} settings (YAML flow map body). */
    void start(String destination, String path, String sync) throws Exception {
        start(destination, path, sync, "");
    }

    /** @param more further keys of the application ({@code helm: ...}), as YAML lines indented by four spaces */
    void start(String destination, String path, String sync, String more) throws Exception {
        AgentConfig config = ConfigLoader.parse("test.yaml", """
                server: {port: 0, tokenEnv: SYNC_TOKEN, webhookSecretEnv: HOOK_SECRET, syncRateLimit: {burst: 1000}}
                namespace: %s
                cacheDir: %s
                %sapplications:
                  - name: shop
                    repo: {url: "%s", ref: main, path: %s%s}
                    destination: {namespace: %s}
                    sync: {%s}
                """.formatted(agentNamespace, cache, agentOptions, repoUrl != null ? repoUrl : daemon.url(), path, repoOptions, destination,
                withStableFor(sync)) + more);
        Map<String, String> env = new HashMap<>(Map.of("SYNC_TOKEN", TOKEN, "HOOK_SECRET", HOOK_SECRET));
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")); // where kustomize is found
        agent = new Agent(config, client, env).start();
        http = new HttpJson(agent.port());
    }

    /**
     * The simulator's pods never restart unless a test says so: a test that does not name {@code stableFor} gets 1s
     * instead of the default 30s, and the real-node tests (and HealthEndToEndTest's own cases) judge the window.
     */
    private static String withStableFor(String sync) {
        return sync.contains("stableFor") ? sync : sync.isBlank() ? "stableFor: 1s" : sync + ", stableFor: 1s";
    }

    void stop() {
        if (agent != null) {
            agent.close();
            agent = null;
        }
    }

    Map<String, Object> status() {
        return http.getJson("/api/v1/applications/shop");
    }

    @SuppressWarnings("unchecked")
    List<Object> history() {
        return (List<Object>) status().get("history");
    }

    /** Waits until {@code count} syncs have finished, and returns the status. */
    Map<String, Object> awaitSyncs(int count) {
        await().atMost(Duration.ofSeconds(120)).until(() -> history().size() >= count && !"Syncing".equals(status().get("phase")));
        return status();
    }

    void syncNow() {
        assertEquals(202, http.post("/api/v1/applications/shop/sync", TOKEN).statusCode());
    }

    String metrics() {
        return http.get("/metrics").body();
    }

    /** Object ref -> action of the last sync's change set. */
    static Map<String, String> actions(Map<String, Object> status) {
        return column(status, "changes", "action");
    }

    /** Object ref -> health code from status. */
    static Map<String, String> health(Map<String, Object> status) {
        return column(status, "objects", "health");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> column(Map<String, Object> status, String list, String field) {
        Map<String, String> byObject = new HashMap<>();
        for (Object c : (List<Object>) status.get(list)) {
            Map<String, Object> m = (Map<String, Object>) c;
            byObject.put((String) m.get("object"), (String) m.get(field));
        }
        return byObject;
    }

    @Override
    public void close() {
        stop();
        try {
            client.namespaces().withName(agentNamespace).delete();
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            // an agent installed namespaced may not delete namespaces: its test does
        }
        client.close();
        daemon.close();
        remote.close();
    }
}
