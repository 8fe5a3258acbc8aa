package dev.capstan.apply;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.plan.DesiredObject;
import dev.capstan.plan.ObjectRef;
import dev.capstan.plan.ProvablyValid;
import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.KubeTest;
import dev.capstan.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ProvablyValid} licenses skipping a dry-run, so it must never call valid what the
 * real API server refuses. Seeded random ConfigMaps, Secrets and ServiceAccounts, built
 * from fragments on both sides of each rule (valid ones first, and more often), are judged by it and dry-run on the server;
 * every one it proves must be accepted, and the corpus must contain plenty of both.
 */
@KubeTest
class ProvablyValidLiveTest {

    private static final String[] KEYS = {"a", "app.properties", ".env", "..x", "a b", "UP_low-1.2", "", "k".repeat(254), "clé", "a/b"};
    private static final String[] VALUES = {"", "text", "é ü", "line\nline", "\ud83d\ude00"};
    private static final String[] BASE64 = {"dg==", "aGVsbG8=", "dg", "!!!!", "", "aGVsbG8"};
    private static final String[] LABEL_KEYS = {"app", "app.kubernetes.io/name", "-bad", "a/b/c", "Example.COM/x", "k".repeat(64), "/x"};
    private static final String[] LABEL_VALUES = {"", "v", "-v", "a_b.c", "v".repeat(64), "with space"};
    private static final String[] NAMES = {"cfg", "cfg.v2", "Cfg", "a..b", "n".repeat(254), "-cfg"};
    private static final Object[] SECRET_TYPES = {null, "Opaque", "kubernetes.io/tls", "kubernetes.io/basic-auth",
        "kubernetes.io/ssh-auth", "example.com/custom", ""};

    @Test
    void whatItProvesTheServerAccepts(KubeControlPlane cp, TestNamespace ns) {
        // server-side apply answers a field of the wrong type or shape with a 500, which the
        // client's default backoff retries for about 20 s: ask once
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(cp.config()).withRequestRetryBackoffLimit(0).build()).build()) {
            judge(client, ns);
        }
    }

    private static void judge(KubernetesClient client, TestNamespace ns) {
        Random random = new Random(20261129);
        int proven = 0;
        int refused = 0;
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            DesiredObject o = random(random, ns.name(), i % 3);
            boolean accepted = serverAccepts(client, o);
            if (ProvablyValid.asCreate(o)) {
                proven++;
                if (!accepted) {
                    wrong.add(o.body().toString());
                }
            }
            refused += accepted ? 0 : 1;
        }
        assertTrue(wrong.isEmpty(), "proven valid but refused by the server: " + wrong);
        assertTrue(proven >= 30 && refused >= 30, "the corpus exercises both sides: " + proven + " proven, " + refused + " refused");
    }

    private static boolean serverAccepts(KubernetesClient client, DesiredObject o) {
        try {
            GenericKubernetesResource body = client.getKubernetesSerialization().convertValue(o.body(), GenericKubernetesResource.class);
            client.genericKubernetesResources("v1", o.ref().kind()).inNamespace(o.ref().namespace()).resource(body)
                    .dryRun().fieldManager("capstan-test").forceConflicts().serverSideApply();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static DesiredObject random(Random r, String ns, int which) {
        String kind = new String[] {"ConfigMap", "Secret", "ServiceAccount"}[which];
        String name = r.nextInt(3) == 0 ? pick(r, NAMES) : "cfg";
        Map<String, Object> meta = new LinkedHashMap<>(Map.of("name", name, "namespace", ns));
        if (r.nextBoolean()) {
            meta.put("labels", Map.of(pick(r, LABEL_KEYS), pick(r, LABEL_VALUES)));
        }
        if (r.nextBoolean()) {
            meta.put("annotations", Map.of(pick(r, LABEL_KEYS), pick(r, VALUES)));
        }
        Map<String, Object> body = new LinkedHashMap<>(Map.of("apiVersion", "v1", "kind", kind, "metadata", meta));
        switch (kind) {
            case "ConfigMap" -> {
                body.put("data", map(r, KEYS, VALUES));
                if (r.nextBoolean()) {
                    body.put("binaryData", map(r, KEYS, BASE64));
                }
            }
            case "Secret" -> {
                body.put(r.nextBoolean() ? "data" : "stringData", map(r, new String[] {"tls.crt", "tls.key", "username",
                        "password", "ssh-privatekey", pick(r, KEYS)}, r.nextBoolean() ? BASE64 : VALUES));
                Object type = SECRET_TYPES[r.nextInt(SECRET_TYPES.length)];
                if (type != null) {
                    body.put("type", type);
                }
            }
            default -> {
                body.put("automountServiceAccountToken", r.nextInt(4) == 0 ? "yes" : r.nextBoolean());
                body.put("imagePullSecrets", List.of(r.nextBoolean() ? Map.of("name", pick(r, NAMES)) : Map.of()));
            }
        }
        if (r.nextInt(10) == 0) {
            body.put("immutable", r.nextBoolean() ? true : "true");
        }
        return new DesiredObject(new ObjectRef("", kind, ns, name), "v1", body, "h", "random:" + which, List.of(), 0);
    }

    private static Map<String, Object> map(Random r, String[] keys, String[] values) {
        Map<String, Object> m = new HashMap<>();
        for (int n = r.nextInt(4); n > 0; n--) {
            m.put(pick(r, keys), pick(r, values));
        }
        return m;
    }

    /** Three times in four one of the first two fragments, which are valid; else any. */
    private static String pick(Random r, String[] from) {
        return r.nextInt(4) != 0 ? from[r.nextInt(2)] : from[r.nextInt(from.length)];
    }
}
