package dev.capstan.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.plan.Inventory;
import dev.capstan.plan.Ownership;
import dev.capstan.testkit.FaultProxy;
import dev.capstan.testkit.FaultProxy.Fault;
import dev.capstan.testkit.FaultProxy.Kind;
import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.KubeTest;
import dev.capstan.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API server misbehaving mid-sync, through {@link FaultProxy}: an app of 200 ConfigMaps
 * synced cleanly, then a commit that changes 180, removes 20 and adds 20 is synced while the
 * proxy injects one kind of fault. Whatever that sync's outcome, no object Git still holds is
 * deleted, the status names the fault when it failed, and once the fault clears the next
 * sync converges to exactly what Git holds, inventory included.
 */
@KubeTest
@Tag("faults") // long runs of the agent's own recovery: on the newest release only (see .ci/run)
class ApiFaultsEndToEndTest {

    @TempDir
    Path tmp;

    private FaultProxy proxy;
    private AgentHarness h;
    private String ns;

    /** Each fault: what the proxy does, and whether the faulted sync can still succeed (retries absorb it). */
    enum ApiFault {
        /** Every 4th request to configmaps answers 500: the client's backoff retries it. */
        INTERNAL_ERROR(Fault.answer("*", "/configmaps", 500, 0, 4), true),
        /** Every PATCH answers 503 for the whole sync: it fails, and says so. */
        UNAVAILABLE(Fault.answer("PATCH", "/configmaps/", 503, 0, 1), false),
        /** Every 10th PATCH answers 429 with Retry-After: 1: retried no sooner than asked. */
        THROTTLED(Fault.answer("PATCH", "/configmaps/", 429, 1, 10), true),
        /** 150 ms of latency on every request. */
        SLOW(Fault.of(Kind.DELAY, "*", "/", Duration.ofMillis(150), 1), true),
        /** Every 7th PATCH or DELETE loses its connection before any answer. */
        RESET(Fault.of(Kind.RESET, "*", "/configmaps/[a-z]", Duration.ZERO, 7), true),
        /** Three PATCHes hang past the client's 4 s request timeout. */
        STALL(Fault.of(Kind.STALL, "PATCH", "/configmaps/", Duration.ofSeconds(8), 40).times(3), true);

        final Fault fault;
        final boolean absorbed;

        ApiFault(Fault fault, boolean absorbed) {
            this.fault = fault;
            this.absorbed = absorbed;
        }
    }

    @BeforeEach
    void setUp(TestNamespace namespace, KubeControlPlane cp) throws Exception {
        ns = namespace.name();
        proxy = new FaultProxy(cp, tmp);
        h = new AgentHarness(tmp, new ConfigBuilder(proxy.config()).withOauthToken(cp.agentConfig().getOauthToken()).withRequestTimeout(4_000).build(), "capstan-" + ns.substring(2));
    }

    @AfterEach
    void tearDown(KubernetesClient client) {
        h.close();
        proxy.close();
        client.namespaces().withName(ns).delete();
    }

    private static Map<String, String> configMaps(int from, int to, String version) {
        Map<String, String> files = new HashMap<>();
        IntStream.range(from, to).forEach(i -> files.put("app/cm-" + i + ".yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: cm-%d}
                data: {version: "%s"}
                """.formatted(i, version)));
        return files;
    }

    @ParameterizedTest
    @EnumSource(ApiFault.class)
    void aSyncUnderAnApiFaultLosesNothingAndTheNextConverges(ApiFault f, KubernetesClient client) throws Exception {
        client.configMaps().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName("foreign").endMetadata().addToData("owner", "someone else").build()).create();
        h.remote.commit("v1", configMaps(0, 200, "v1"));
        h.start(ns, "app", "interval: 1h, prune: true");
        assertEquals("Succeeded", h.awaitSyncs(1).get("phase"));

        Map<String, String> next = configMaps(20, 220, "v2");
        IntStream.range(0, 20).forEach(i -> next.put("app/cm-" + i + ".yaml", null));
        h.remote.commit("v2", next);
        proxy.inject(f.fault);
        long start = System.nanoTime();
        h.syncNow();
        Map<String, Object> faulted = h.awaitSyncs(2);
        long faultedMillis = (System.nanoTime() - start) / 1_000_000;
        int injected = proxy.injected();
        proxy.clear();
        assertTrue(injected > 0, "the proxy injected the fault");
        Set<String> live = names(client);
        for (int i = 20; i < 200; i++) {
            assertTrue(live.contains("cm-" + i), "cm-" + i + " is in Git before and after: never deleted (" + f + ")");
        }
        assertTrue(live.contains("foreign"), "an object no app owns is never touched");
        if (f.absorbed) {
            assertEquals("Succeeded", faulted.get("phase"), f + ": " + faulted.get("message"));
        } else {
            assertEquals("Failed", faulted.get("phase"));
            String message = String.valueOf(faulted.get("message"));
            assertTrue(message.contains("503") || message.contains("ServiceUnavailable"), "the status names the fault: " + message);
            for (int i = 0; i < 20; i++) {
                assertTrue(live.contains("cm-" + i), "nothing is pruned by a sync that failed before its prune");
            }
        }

        h.syncNow();
        Map<String, Object> healed = h.awaitSyncs(3);
        assertEquals("Succeeded", healed.get("phase"), String.valueOf(healed.get("message")));
        Set<String> desired = IntStream.range(20, 220).mapToObj(i -> "cm-" + i).collect(Collectors.toCollection(TreeSet::new));
        Set<String> owned = new TreeSet<>(names(client));
        owned.remove("foreign");
        assertEquals(desired, owned, "exactly what Git holds, each once");
        for (String name : desired) {
            assertEquals("v2", client.configMaps().inNamespace(ns).withName(name).get().getData().get("version"));
        }
        ConfigMap inv = client.configMaps().inNamespace(h.agentNamespace).withName("capstan-inventory-shop").get();
        Set<String> inventoried = Inventory.fromData(inv.getData()).entries().stream().map(e -> e.ref().name())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(desired, inventoried, "the inventory is exact");
        System.out.printf("fault %s: faulted sync %s in %d ms with %d injected; converged%n", f, faulted.get("phase"),
                faultedMillis, injected);
    }

    @org.junit.jupiter.api.Test
    void aManifestTheServerCannotDecodeIsReportedAfterOneDryRunNotTenRetries() throws Exception {
        Map<String, String> files = configMaps(0, 5, "v1");
        files.put("app/web.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: "three"
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: web, image: "nginx:1.27"}]}
                """);
        h.remote.commit("wrong type", files);
        long start = System.nanoTime();
        h.start(ns, "app", "interval: 1h, prune: true");
        Map<String, Object> status = h.awaitSyncs(1);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals("Failed", status.get("phase"));
        String message = String.valueOf(status.get("message"));
        assertTrue(message.contains(".spec.replicas: expected numeric") && message.contains("does not fit the API's schema"), message);
        long sends = h.requests.all().stream().filter(r -> r.startsWith("PATCH ") && r.contains("/deployments/web")).count();
        assertEquals(1, sends, "one dry-run, no retry: " + h.requests.all());
        assertTrue(h.requests.mutating().stream().noneMatch(r -> r.contains("/configmaps/cm-") && !r.contains("dryRun")),
                "nothing applied: " + h.requests.mutating());
        System.out.printf("undecodable manifest: reported in %d ms after %d dry-run(s)%n", millis, sends);
    }

    private Set<String> names(KubernetesClient client) {
        return client.configMaps().inNamespace(ns).list().getItems().stream().map(c -> c.getMetadata().getName())
                .filter(n -> !n.equals("kube-root-ca.crt")).collect(Collectors.toSet());
    }
}
