package dev.capstan.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.testkit.AgentImage;
import dev.capstan.testkit.GitDaemonServer;
import dev.capstan.testkit.GitRemote;
import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.NodeTest;
import dev.capstan.testkit.Pods;
import dev.capstan.testkit.RealNode;
import dev.capstan.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as users run it: its image built from the Dockerfile, installed with {@code kubectl apply -k} of an
 * overlay of {@code deploy/} that changes only the image and the config, running as a Pod on the {@link RealNode}
 * with in-cluster configuration and its mounted ServiceAccount token, syncing Application resources from a Git
 * server the Pod reaches over the node's bridge.
 */
@NodeTest
class AgentInClusterEndToEndTest {

    private static final String AGENT_NS = "capstan";
    private static final int APPS = 10;

    @TempDir
    Path tmp;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void tearDown(KubernetesClient client) throws Exception {
        // the agent's own objects go with its namespace; its Applications first, so their finalizers do not hold it
        try {
            ApplicationKit kit = new ApplicationKit(client, null);
            client.apps().deployments().inNamespace(AGENT_NS).withName("capstan").delete();
            for (int i = 0; i < APPS; i++) {
                kit.release(AGENT_NS, "app-" + i);
                kit.app(AGENT_NS, "app-" + i).delete();
            }
        } finally {
            for (AutoCloseable c : closing) {
                c.close();
            }
        }
    }

    private static String application(String name, String url, String path, String destination) {
        return """
                apiVersion: capstan.dev/v1alpha1
                kind: Application
                metadata: {name: %s, namespace: %s}
                spec:
                  repo: {url: "%s", ref: main, path: %s}
                  destination: {namespace: %s}
                  sync: {interval: 5s, prune: true, stableFor: 5s}
                """.formatted(name, AGENT_NS, url, path, destination);
    }

    /** The overlay a user writes: deploy/ as its base, their image, their config. Nothing else. */
    private static Path overlay(Path dir, String config) throws IOException {
        Files.createDirectories(dir);
        Path deploy = Path.of("deploy").toAbsolutePath();
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [%s]
                images: [{name: capstan, newName: %s, newTag: %s}]
                patches: [{path: config.yaml}]
                """.formatted(dir.toAbsolutePath().relativize(deploy), AgentImage.NAME, AgentImage.TAG));
        Files.writeString(dir.resolve("config.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: capstan-config, namespace: capstan}
                data:
                  capstan.yaml: |
                %s""".formatted(config.indent(4)));
        return dir;
    }

    private static final String CONFIG = """
            server: {port: 8080}
            namespace: capstan
            cacheDir: /var/cache/capstan
            leaderElection: {enabled: true, leaseDuration: 6s, renewDeadline: 4s, retryPeriod: 1s}
            """;

    @Test
    void installedFromDeployItBecomesReadySyncsAndPrunesAndSurvivesItsPodsDeathAndALeaderChange(
            KubernetesClient client, TestNamespace ns, KubeControlPlane cp) throws Exception {
        RealNode node = RealNode.get(cp);
        Duration build = AgentImage.buildInto(node);
        System.out.printf("real node: agent image built from the Dockerfile and imported in %.1f s%n", build.toMillis() / 1000.0);

        GitRemote remote = GitRemote.create(tmp.resolve("origin"));
        GitDaemonServer git = new GitDaemonServer(remote.bareDir(), RealNode.NODE_IP);
        closing.add(git);
        closing.add(remote);
        Map<String, String> files = new HashMap<>();
        for (int i = 0; i < APPS; i++) {
            files.put("apps/" + i + "/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: config}\ndata: {app: \"" + i + "\"}\n");
            files.put("apps/" + i + "/old.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: old}\ndata: {k: v}\n");
            files.put("apps/" + i + "/web.yaml", RealNodeHealthEndToEndTest.deployment("{name: APP, value: \"" + i + "\"}",
                    RealNodeHealthEndToEndTest.READINESS).replace("replicas: 2", "replicas: 1"));
        }
        remote.commit("ten apps", files);
        for (int i = 0; i < APPS; i++) {
            client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                    .withName(ns.name() + "-" + i).endMetadata().build()).serverSideApply();
        }

        // install as a user does
        Path overlay = overlay(Path.of("target", "node-overlay"), CONFIG);
        Instant applied = Instant.now();
        ApplicationKit kit = new ApplicationKit(client, cp.kubeconfig(), RealNode.kubectl().toString());
        ApplicationKit.Result install = kit.kubectl("apply", "-k", overlay.toString());
        assertEquals(0, install.exit(), install.output());
        Pod first = awaitAgentPods(client, 1).get(0);
        Duration startToReady = Duration.between(applied, Instant.now());
        System.out.printf("real node: agent pod from kubectl apply -k to Ready (/readyz): %.1f s%n", startToReady.toMillis() / 1000.0);
        assertTrue(first.getSpec().getContainers().get(0).getImage().startsWith(AgentImage.NAME + ":" + AgentImage.TAG));

        kit.installCrd(); // applied by kubectl above: this only waits until it is Established
        for (int i = 0; i < APPS; i++) {
            kit.create(application("app-" + i, git.url(), "apps/" + i, ns.name() + "-" + i));
        }
        for (int i = 0; i < APPS; i++) {
            kit.awaitReady(AGENT_NS, "app-" + i);
            assertNotNull(client.configMaps().inNamespace(ns.name() + "-" + i).withName("config").get());
        }

        // prune: a file leaves Git
        Map<String, String> gone = new HashMap<>();
        for (int i = 0; i < APPS; i++) {
            gone.put("apps/" + i + "/old.yaml", null);
        }
        remote.commit("old config gone", gone);
        for (int i = 0; i < APPS; i++) {
            int app = i;
            await().atMost(Duration.ofSeconds(120)).until(() -> client.configMaps().inNamespace(ns.name() + "-" + app).withName("old").get() == null);
        }

        String podIp = first.getStatus().getPodIP();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String metrics = get(http, "http://" + podIp + ":8080/metrics");
        assertTrue(metrics.contains("capstan_app_health{app=\"app-0\""), metrics.lines().limit(20).toList().toString());
        assertEquals("ok", get(http, "http://" + podIp + ":8080/readyz").strip());
        long cgroupBytes = containerMemory(first);
        System.out.printf("real node: agent container memory (cgroup memory.usage_in_bytes, limit 512Mi) at %d apps: %d MiB%n",
                APPS, cgroupBytes >> 20);

        // in-cluster config and the mounted token: the API server saw the pod's own bound ServiceAccount token
        List<Map<String, String>> seen = requestsFrom(cp, podIp, Instant.EPOCH);
        assertTrue(!seen.isEmpty(), "no request from the agent's pod " + podIp);
        assertTrue(seen.stream().allMatch(r -> r.get("user").equals("system:serviceaccount:capstan:capstan")
                && r.get("pod").equals(first.getMetadata().getName())), seen.toString());
        assertTrue(seen.stream().noneMatch(r -> r.get("code").equals("403")), "deploy/rbac.yaml was not enough: "
                + seen.stream().filter(r -> r.get("code").equals("403")).toList());
        String log = client.pods().inNamespace(AGENT_NS).withName(first.getMetadata().getName()).getLog();
        assertTrue(!log.toLowerCase().contains("forbidden"), "deploy/rbac.yaml was not enough:\n" + log);

        // the pod dies: the next one resumes the apps without writing to them
        Instant killed = Instant.now();
        client.pods().inNamespace(AGENT_NS).withName(first.getMetadata().getName()).delete();
        Pod second = await().atMost(Duration.ofSeconds(180)).until(() -> awaitAgentPods(client, 1).get(0),
                p -> !p.getMetadata().getName().equals(first.getMetadata().getName()));
        for (int i = 0; i < APPS; i++) {
            kit.awaitReady(AGENT_NS, "app-" + i);
        }
        Thread.sleep(5000); // what a resumed agent would write, it writes within its first pass
        List<String> writes = requestsFrom(cp, second.getStatus().getPodIP(), killed).stream()
                .filter(r -> List.of("create", "update", "patch", "delete").contains(r.get("verb")))
                .map(r -> r.get("verb") + " " + r.get("resource") + " " + r.get("object")).toList();
        assertTrue(writes.stream().noneMatch(w -> w.contains(" " + ns.name() + "-")),
                "the new pod wrote to the apps' objects: " + writes);
        System.out.println("real node: after the pod's death the new pod wrote only " + writes);

        // two replicas: one leads and syncs; killing it hands over
        ApplicationKit.Result scale = kit.kubectl("scale", "-n", AGENT_NS, "deployment/capstan", "--replicas=2");
        assertEquals(0, scale.exit(), scale.output());
        List<Pod> two = awaitAgentPods(client, 2);
        String leader = await().atMost(Duration.ofSeconds(60)).until(() -> leaseHolder(client), h -> h != null
                && two.stream().anyMatch(p -> h.contains(p.getMetadata().getName())));
        Pod leading = two.stream().filter(p -> leader.contains(p.getMetadata().getName())).findFirst().orElseThrow();
        Pod standby = two.stream().filter(p -> p != leading).findFirst().orElseThrow();
        // both are Ready (a standby that is not would stall every rolling update); the Service routes to the leader
        await().atMost(Duration.ofSeconds(30)).until(() -> serviceEndpoints(client), e -> e.equals(List.of(leading.getStatus().getPodIP())));
        client.pods().inNamespace(AGENT_NS).withName(leading.getMetadata().getName()).withGracePeriod(0).delete();
        await().atMost(Duration.ofSeconds(60)).until(() -> leaseHolder(client), h -> h != null && h.contains(standby.getMetadata().getName()));
        await().atMost(Duration.ofSeconds(30)).until(() -> serviceEndpoints(client), e -> e.equals(List.of(standby.getStatus().getPodIP())));
        remote.commit("after the hand-over", Map.of("apps/0/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: config}\ndata: {app: \"0\", handedOver: \"yes\"}\n"));
        await().atMost(Duration.ofSeconds(120)).until(() -> "yes".equals(
                client.configMaps().inNamespace(ns.name() + "-0").withName("config").get().getData().get("handedOver")));
        assertNotEquals(leader, leaseHolder(client));
        for (int i = 0; i < APPS; i++) {
            client.namespaces().withName(ns.name() + "-" + i).delete();
        }
    }

    private static List<Pod> awaitAgentPods(KubernetesClient client, int count) {
        return await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() -> client.pods()
                .inNamespace(AGENT_NS).withLabel("app.kubernetes.io/name", "capstan").list().getItems().stream()
                .filter(Pods::ready).toList(), pods -> pods.size() == count);
    }

    /** The ready addresses behind deploy/'s Service, as kube-proxy routes them. */
    private static List<String> serviceEndpoints(KubernetesClient client) {
        return client.discovery().v1().endpointSlices().inNamespace(AGENT_NS).withLabel("kubernetes.io/service-name", "capstan")
                .list().getItems().stream().filter(s -> s.getEndpoints() != null).flatMap(s -> s.getEndpoints().stream())
                .filter(e -> e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady()))
                .flatMap(e -> e.getAddresses().stream()).sorted().toList();
    }

    private static String leaseHolder(KubernetesClient client) {
        var lease = client.leases().inNamespace(AGENT_NS).withName("capstan").get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    /** The container's memory as its cgroup counts it (cgroup v1 here), read from the node. */
    private static long containerMemory(Pod pod) throws IOException {
        String id = pod.getStatus().getContainerStatuses().get(0).getContainerID().replaceFirst("^containerd://", "");
        try (var paths = Files.find(Path.of("/sys/fs/cgroup/memory/kubepods"), 4,
                (p, a) -> p.getFileName().toString().equals(id))) {
            Path dir = paths.findFirst().orElseThrow(() -> new IOException("no memory cgroup for container " + id));
            return Long.parseLong(Files.readString(dir.resolve("memory.usage_in_bytes")).strip());
        }
    }

    /**
     * The requests the API server's audit log saw from {@code ip} since {@code since}: verb, resource, object
     * (namespace/name), answer code, user, and the pod its bound ServiceAccount token was issued to.
     */
    private static List<Map<String, String>> requestsFrom(KubeControlPlane cp, String ip, Instant since) throws IOException {
        tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
        List<Map<String, String>> out = new ArrayList<>();
        for (String line : Files.readAllLines(cp.auditLog(), StandardCharsets.UTF_8)) {
            var e = json.readTree(line);
            boolean fromPod = false;
            for (var s : e.path("sourceIPs")) {
                fromPod |= s.asString().equals(ip);
            }
            if (!fromPod || Instant.parse(e.path("stageTimestamp").asString()).isBefore(since)) {
                continue;
            }
            var ref = e.path("objectRef");
            var pod = e.path("user").path("extra").path("authentication.kubernetes.io/pod-name");
            out.add(Map.of("verb", e.path("verb").asString(), "resource", ref.path("resource").asString(""),
                    "object", ref.path("namespace").asString("") + "/" + ref.path("name").asString(""),
                    "code", String.valueOf(e.path("responseStatus").path("code").asInt()),
                    "user", e.path("user").path("username").asString(""),
                    "pod", pod.isArray() && !pod.isEmpty() ? pod.get(0).asString() : ""));
        }
        return out;
    }

    private static String get(HttpClient http, String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url + ": " + r.body());
        return r.body();
    }
}
