package dev.capstan.bench;

import dev.capstan.agent.Agent;
import dev.capstan.config.AgentConfig;
import dev.capstan.config.ConfigLoader;
import dev.capstan.testkit.HttpJson;
import dev.capstan.testkit.KubeControlPlane;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Push to applied ({@code scripts/bench --webhook}): 100 apps x 100 ConfigMaps from 4
 * monorepos in one agent; then 20 times a one-object change to one app is committed and
 * announced through the generic push webhook while the other apps idle (interval 3m).
 * Measures commit to the object changed in the cluster, seen through a watch.
 */
public final class WebhookBench {

    private static final int APPS = Integer.getInteger("apps", 100);
    private static final int OBJECTS = Integer.getInteger("objects", 100);
    private static final int APPS_PER_REPO = 25;
    private static final int PUSHES = 20;
    private static final String SECRET = "bench-webhook-secret";

    public static void main(String[] args) throws Exception {
        KubeControlPlane cp = KubeControlPlane.get();
        KubernetesClient client = cp.newClient();
        Path tmp = Files.createTempDirectory("capstan-webhook");
        Monorepos repos = new Monorepos(client, tmp, "hook", APPS, APPS_PER_REPO, OBJECTS,
                o -> Map.entry("cm" + o, configMap(o, "v0")), "interval: 3m");
        AgentConfig config = ConfigLoader.parse("bench.yaml", "server: {port: 0, webhookSecretEnv: HOOK}\nnamespace: capstan-hook-" + repos.run
                + "\ncacheDir: " + tmp.resolve("cache") + "\napplications:\n" + repos.appsYaml());
        try (Agent agent = new Agent(config, cp.newClient(), Map.of("HOOK", SECRET)).start()) {
            HttpJson http = new HttpJson(agent.port());
            long t0 = System.nanoTime();
            while (!agent.statuses().stream().allMatch(s -> s.historySize() > 0)) {
                Thread.sleep(200);
            }
            System.out.printf("push to applied: %d apps x %d objects synced in %.1f s; now %d pushes to app0 (25 apps share its repository)%n",
                    APPS, OBJECTS, (System.nanoTime() - t0) / 1e9, PUSHES);
            String ns = repos.namespace(0);
            BlockingQueue<String> seen = new ArrayBlockingQueue<>(100);
            try (Watch w = client.configMaps().inNamespace(ns).withName("cm7").watch(new Watcher<>() {
                @Override
                public void eventReceived(Action action, ConfigMap cm) {
                    seen.offer(cm.getData().get("version"));
                }

                @Override
                public void onClose(WatcherException e) {
                }
            })) {
                List<Double> millis = new ArrayList<>();
                for (int i = 1; i <= PUSHES; i++) {
                    String version = "v" + i;
                    repos.remotes.get(0).commit("push " + i, Map.of("apps/app0/cm7.yaml", configMap(7, version)));
                    long start = System.nanoTime(); // pushed: the webhook goes out now
                    var response = http.post("/api/v1/webhooks/generic", Map.of("Authorization", "Bearer " + SECRET),
                            ("{\"repository\": \"" + repos.daemons.get(0).url() + "\", \"ref\": \"refs/heads/main\"}").getBytes(StandardCharsets.UTF_8));
                    if (response.statusCode() != 202) {
                        throw new IllegalStateException("webhook answered " + response.statusCode() + ": " + response.body());
                    }
                    while (true) {
                        String v = seen.poll(60, TimeUnit.SECONDS);
                        if (v == null) {
                            throw new IllegalStateException("push " + i + " not applied within 60 s");
                        }
                        if (v.equals(version)) {
                            break;
                        }
                    }
                    millis.add((System.nanoTime() - start) / 1e6);
                    Thread.sleep(500);
                }
                List<Double> sorted = new ArrayList<>(millis);
                sorted.sort(Double::compare);
                System.out.printf("push (webhook sent) to object applied over %d pushes: p50 %.0f ms, p95 %.0f ms, max %.0f ms%n",
                        PUSHES, sorted.get(sorted.size() / 2), sorted.get((int) Math.ceil(sorted.size() * 0.95) - 1),
                        sorted.get(sorted.size() - 1));
            }
        }
        repos.close();
        System.exit(0);
    }

    private static String configMap(int o, String version) {
        return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm" + o + "}\ndata: {key: value-" + o + ", version: " + version + "}\n";
    }

    private WebhookBench() {
    }
}
