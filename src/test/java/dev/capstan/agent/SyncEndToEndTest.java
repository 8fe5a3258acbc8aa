package dev.capstan.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.testkit.GitRemote;
import dev.capstan.testkit.HttpJson;
import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.KubeTest;
import dev.capstan.testkit.RequestLog;
import dev.capstan.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code capstan run} end to end: commits to a Git repo served on 127.0.0.1, the agent in-process, the real API server. */
@KubeTest
class SyncEndToEndTest {

    @TempDir
    Path tmp;

    private ShopApp shop;
    private AgentHarness h;
    private GitRemote remote;
    private RequestLog requests;
    private HttpJson http;

    @BeforeEach
    void setUp(TestNamespace ns, KubeControlPlane cp) {
        shop = new ShopApp(ns.name().substring(2));
        h = new AgentHarness(tmp, cp, "capstan-" + ns.name().substring(2));
        remote = h.remote;
        requests = h.requests;
    }

    @AfterEach
    void tearDown(KubernetesClient client) {
        h.close();
        client.namespaces().withName(shop.namespace).delete();
        client.apiextensions().v1().customResourceDefinitions().withName("widgets." + shop.group).delete();
    }

    private void startAgent(boolean prune) throws Exception {
        h.start(shop.namespace, "shop", "interval: 1h, prune: " + prune);
        http = h.http;
    }

    private Map<String, Object> awaitSyncs(int count) {
        return h.awaitSyncs(count);
    }

    private void syncNow() {
        h.syncNow();
    }

    private static Map<String, String> actions(Map<String, Object> status) {
        return AgentHarness.actions(status);
    }

    private GenericKubernetesResource widget(KubernetesClient client) {
        return client.genericKubernetesResources(new ResourceDefinitionContext.Builder().withGroup(shop.group).withVersion("v1")
                        .withKind("Widget").withPlural("widgets").withNamespaced(true).build())
                .inNamespace(shop.namespace).withName("big-widget").get();
    }

    @Test
    void syncsTheAppThenAppliesOnlyWhatChangedAndPrunesOnlyWhatLeftGit(KubernetesClient client) throws Exception {
        remote.commit("shop v1", shop.files("blue"));
        startAgent(true);

        Map<String, Object> s1 = awaitSyncs(1);
        assertEquals("Succeeded", s1.get("phase"), String.valueOf(s1.get("message")));
        assertEquals("Synced", s1.get("syncStatus"));
        Map<String, String> created = actions(s1);
        assertEquals(7, created.size(), created.toString());
        assertTrue(created.values().stream().allMatch("created"::equals), created.toString());
        var deployment = client.apps().deployments().inNamespace(shop.namespace).withName("python-web-app").get();
        assertEquals(3, deployment.getSpec().getReplicas());
        assertEquals("capstan", deployment.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
        assertEquals("shop", deployment.getMetadata().getLabels().get("capstan.dev/app"));
        assertEquals("shop:apps/Deployment:" + shop.namespace + "/python-web-app",
                deployment.getMetadata().getAnnotations().get("capstan.dev/tracking-id"));
        assertEquals(3L, ((Number) ((Map<?, ?>) widget(client).getAdditionalProperties().get("spec")).get("size")).longValue());
        String metrics = http.get("/metrics").body();
        assertTrue(metrics.contains("capstan_sync_total{app=\"shop\",result=\"succeeded\"} 1.0"), metrics);
        assertTrue(metrics.contains("capstan_resources{app=\"shop\",state=\"in_sync\"} 7.0"), metrics);
        assertTrue(metrics.contains("capstan_apply_changes_total{action=\"created\",app=\"shop\"} 7.0"), metrics);

        // a one-field change applies exactly that object: one dry-run and one apply, nothing else mutated
        remote.commit("blue to green", Map.of("shop/config.yaml", shop.files("green").get("shop/config.yaml")));
        requests.clear();
        syncNow();
        Map<String, Object> s2 = awaitSyncs(2);
        assertEquals("Succeeded", s2.get("phase"), String.valueOf(s2.get("message")));
        assertEquals("configured", actions(s2).get("ConfigMap/" + shop.namespace + "/web-config"));
        assertEquals(6, actions(s2).values().stream().filter("unchanged"::equals).count(), actions(s2).toString());
        String cmPath = "/api/v1/namespaces/" + shop.namespace + "/configmaps/web-config";
        List<String> mutations = requests.mutating().stream()
                .filter(r -> !r.contains("/configmaps/capstan-inventory-shop")).toList();
        assertEquals(List.of("PATCH " + cmPath + "?fieldManager=capstan&force=true&dryRun=All",
                "PATCH " + cmPath + "?fieldManager=capstan&force=true"), mutations.stream().map(SyncEndToEndTest::sortQuery).toList());
        assertEquals("green", client.configMaps().inNamespace(shop.namespace).withName("web-config").get().getData().get("color"));

        // removing a file prunes exactly that object
        remote.commit("no more widget", java.util.Collections.singletonMap("shop/widget.yaml", null));
        requests.clear();
        syncNow();
        Map<String, Object> s3 = awaitSyncs(3);
        assertEquals("pruned", actions(s3).get("Widget/" + shop.namespace + "/big-widget"));
        assertNull(widget(client));
        assertEquals(1, requests.mutating().stream().filter(r -> r.startsWith("DELETE ")).count(), requests.mutating().toString());
        assertNotNull(client.configMaps().inNamespace(shop.namespace).withName("web-config").get());

        // an object carrying another app's tracking id is neither overwritten nor pruned
        client.configMaps().inNamespace(shop.namespace).resource(new ConfigMapBuilder().withNewMetadata().withName("shared")
                .addToLabels("app.kubernetes.io/managed-by", "capstan")
                .addToAnnotations("capstan.dev/tracking-id", "other:/ConfigMap:" + shop.namespace + "/shared").endMetadata()
                .addToData("owner", "other").build()).create();
        remote.commit("claim shared", Map.of("shop/shared.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\ndata: {owner: shop}\n"));
        syncNow();
        Map<String, Object> s4 = awaitSyncs(4);
        assertEquals("skipped", actions(s4).get("ConfigMap/" + shop.namespace + "/shared"), actions(s4).toString());
        assertEquals("OutOfSync", s4.get("syncStatus"));
        remote.commit("drop shared", java.util.Collections.singletonMap("shop/shared.yaml", null));
        syncNow();
        Map<String, Object> s5 = awaitSyncs(5);
        assertEquals("skipped", actions(s5).get("ConfigMap/" + shop.namespace + "/shared"), actions(s5).toString());
        ConfigMap shared = client.configMaps().inNamespace(shop.namespace).withName("shared").get();
        assertEquals("other", shared.getData().get("owner"));

        String statusJson = http.get("/api/v1/applications").body();
        assertFalse(statusJson.contains("hunter2"), "no secret value in status");
        assertFalse(http.get("/metrics").body().contains("hunter2"));
    }

    /** Query parameters in a fixed order, so the assertion does not depend on how the client orders them. */
    private static String sortQuery(String request) {
        int q = request.indexOf('?');
        if (q < 0) {
            return request;
        }
        List<String> params = new java.util.ArrayList<>(List.of(request.substring(q + 1).split("&")));
        List<String> order = List.of("fieldManager", "force", "dryRun");
        params.sort(java.util.Comparator.comparingInt(p -> order.indexOf(p.split("=")[0])));
        return request.substring(0, q + 1) + String.join("&", params);
    }

    @Test
    void aBadCommitLeavesEveryLiveObjectInPlaceAndSaysWhy(KubernetesClient client) throws Exception {
        remote.commit("shop v1", shop.files("blue"));
        startAgent(true);
        assertEquals("Succeeded", awaitSyncs(1).get("phase"));

        // YAML error: RenderFailed, nothing touched
        remote.commit("broken yaml", Map.of("shop/config.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-config\n"));
        requests.clear();
        syncNow();
        Map<String, Object> s2 = awaitSyncs(2);
        assertEquals("Failed", s2.get("phase"));
        assertEquals("RenderFailed", s2.get("reason"));
        assertTrue(((String) s2.get("message")).startsWith("config.yaml:") || ((String) s2.get("message")).contains("shop/config.yaml:"),
                String.valueOf(s2.get("message")));
        assertEquals(List.of(), requests.mutating());

        // an object the server rejects, a change elsewhere, and a removed file: nothing applied, nothing pruned
        Map<String, String> files = new HashMap<>(shop.files("green"));
        files.put("shop/deployment.yaml", files.get("shop/deployment.yaml").replace("replicas: 3", "replicas: -1"));
        files.put("shop/widget.yaml", null);
        remote.commit("bad replicas", files);
        requests.clear();
        syncNow();
        Map<String, Object> s3 = awaitSyncs(3);
        assertEquals("Failed", s3.get("phase"));
        assertEquals("ApplyFailed", s3.get("reason"));
        String message = (String) s3.get("message");
        assertTrue(message.startsWith("Deployment/" + shop.namespace + "/python-web-app (shop/deployment.yaml:1): dry-run failed: spec.replicas: -1: must be greater than or equal to 0"),
                message);
        assertTrue(requests.mutating().stream().allMatch(r -> r.contains("dryRun=All")), requests.mutating().toString());
        assertEquals("blue", client.configMaps().inNamespace(shop.namespace).withName("web-config").get().getData().get("color"));
        assertNotNull(widget(client));
        assertEquals(3, client.apps().deployments().inNamespace(shop.namespace).withName("python-web-app").get().getSpec().getReplicas());

        // an empty render never prunes everything
        Map<String, String> none = new HashMap<>();
        shop.files("green").keySet().forEach(k -> none.put(k, null));
        none.put("shop/README.md", "nothing to deploy any more\n");
        remote.commit("everything gone", none);
        syncNow();
        Map<String, Object> s4 = awaitSyncs(4);
        assertEquals("ValidationFailed", s4.get("reason"));
        assertTrue(((String) s4.get("message")).contains("sync.allowEmpty"), String.valueOf(s4.get("message")));
        assertNotNull(client.configMaps().inNamespace(shop.namespace).withName("web-config").get());
        String metrics = http.get("/metrics").body();
        assertTrue(metrics.contains("capstan_sync_total{app=\"shop\",result=\"failed\"} 3.0"), metrics);
    }

    @Test
    void aRestartedAgentConvergesWithoutRedoingWorkOrLosingObjects(KubernetesClient client) throws Exception {
        remote.commit("shop v1", shop.files("blue"));
        startAgent(false);
        assertEquals("Succeeded", awaitSyncs(1).get("phase"));
        remote.commit("drop widget, recolor", Map.of("shop/widget.yaml", "", "shop/config.yaml",
                shop.files("red").get("shop/config.yaml")));
        syncNow();
        Map<String, Object> s2 = awaitSyncs(2);
        assertEquals("OutOfSync", s2.get("syncStatus"), "prune is off: the widget is still there and still ours");
        assertNotNull(widget(client));
        h.stop();

        // a new agent process (fresh caches) with pruning on: only the stale widget is left to do
        requests.clear();
        startAgent(true);
        Map<String, Object> s = awaitSyncs(1);
        assertEquals("Succeeded", s.get("phase"), String.valueOf(s.get("message")));
        assertEquals("Synced", s.get("syncStatus"));
        Map<String, String> actions = actions(s);
        assertEquals("pruned", actions.get("Widget/" + shop.namespace + "/big-widget"));
        assertEquals(6, actions.values().stream().filter("unchanged"::equals).count(), actions.toString());
        assertNull(widget(client));
        assertEquals("red", client.configMaps().inNamespace(shop.namespace).withName("web-config").get().getData().get("color"));
        assertTrue(requests.mutating().stream().noneMatch(r -> r.startsWith("PATCH /api") && !r.contains("capstan-inventory")),
                requests.mutating().toString());
    }

    @Test
    void aSignedGithubPushWebhookSyncsAtOnce(KubernetesClient client) throws Exception {
        remote.commit("shop v1", shop.files("blue"));
        startAgent(true);
        assertEquals("Succeeded", awaitSyncs(1).get("phase"));
        remote.commit("green", Map.of("shop/config.yaml", shop.files("green").get("shop/config.yaml")));
        byte[] body = ("{\"ref\":\"refs/heads/main\",\"repository\":{\"clone_url\":\"" + h.daemon.url() + "\"}}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(AgentHarness.HOOK_SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(body));
        assertEquals(401, http.post("/api/v1/webhooks/github", Map.of("X-Hub-Signature-256", "sha256=00"), body).statusCode());
        var accepted = http.post("/api/v1/webhooks/github", Map.of("X-Hub-Signature-256", signature, "X-GitHub-Event", "push"), body);
        assertEquals(202, accepted.statusCode(), accepted.body());
        assertTrue(accepted.body().contains("\"shop\""), accepted.body());
        await().atMost(Duration.ofSeconds(60)).until(() ->
                "green".equals(client.configMaps().inNamespace(shop.namespace).withName("web-config").get().getData().get("color")));
    }

    @Test
    void theSyncApiNeedsTheBearerToken() throws Exception {
        remote.commit("shop v1", shop.files("blue"));
        startAgent(true);
        assertEquals(401, http.post("/api/v1/applications/shop/sync", null).statusCode());
        assertEquals(401, http.post("/api/v1/applications/shop/sync", "wrong").statusCode());
        assertEquals(404, http.post("/api/v1/applications/nope/sync", AgentHarness.TOKEN).statusCode());
        assertEquals(200, http.get("/healthz").statusCode());
        await().atMost(Duration.ofSeconds(30)).until(() -> http.get("/readyz").statusCode() == 200);
        assertEquals(1, http.getJsonList("/api/v1/applications").size());
        assertTrue(http.get("/").body().contains("shop"));
    }
}
