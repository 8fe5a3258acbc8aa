package dev.capstan.bench;

import dev.capstan.testkit.HttpJson;
import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.KubeletSimulator;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Capstan at the scale where users hurt ({@code scripts/bench --scale}): one agent process
 * with {@code -Xmx256m}, 100 applications x 100 objects (ConfigMaps, Services, Deployments)
 * from 4 monorepos over git://, from an empty cluster. Reports the time to all Synced and
 * Healthy, the agent's API requests per phase (its own counter, capstan_kube_requests_total),
 * heap after GC and RSS, the CPU of a no-op pass, and start-to-Ready with everything live.
 */
public final class ScaleBench {

    private static final int APPS = Integer.getInteger("apps", 100);
    private static final int OBJECTS = Integer.getInteger("objects", 100);
    private static final int APPS_PER_REPO = 25;
    private static final int INTERVAL_SECONDS = 5;
    private static final int PASSES = 10;
    private static final Deployed DEPLOYED = Deployed.read();

    public static void main(String[] args) throws Exception {
        KubeControlPlane cp = KubeControlPlane.get();
        KubernetesClient client = cp.newClient();
        KubeletSimulator.start(cp.newClient());
        try (var in = Files.newInputStream(Path.of("deploy/crd-application.yaml"))) { // installed, as deploy/ installs it
            var crd = client.getKubernetesSerialization().unmarshal(in,
                    io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class);
            client.apiextensions().v1().customResourceDefinitions().resource(crd).fieldManager("bench").forceConflicts().serverSideApply();
        }
        Path tmp = Files.createTempDirectory("capstan-scale");
        Monorepos repos = new Monorepos(client, tmp, "scale", APPS, APPS_PER_REPO, OBJECTS,
                o -> Map.entry("o" + o, manifest(o)), "interval: " + INTERVAL_SECONDS + "s");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = tmp.resolve("capstan.yaml");
        Files.writeString(config, "server: {port: " + port + "}\nnamespace: capstan-scale-" + repos.run + "\ncacheDir: " + tmp.resolve("cache")
                + "\napplications:\n" + repos.appsYaml());
        HttpJson http = new HttpJson(port);
        int objects = APPS * OBJECTS;
        System.out.printf("scale: %d apps x %d objects = %d objects (%d Deployments), %d repositories, interval %ds, "
                        + "agent as deploy/ runs it: JAVA_TOOL_OPTIONS=\"%s\" MALLOC_ARENA_MAX=%s, -XX:MaxRAM=%dm for the memory limit%n",
                APPS, OBJECTS, objects, APPS * (OBJECTS / 25), repos.daemons.size(), INTERVAL_SECONDS, DEPLOYED.javaToolOptions(),
                DEPLOYED.mallocArenaMax(), DEPLOYED.limitMiB());

        // 1. from an empty cluster to all Synced and Healthy
        long t0 = System.nanoTime();
        Process agent = startAgent(config, cp, tmp.resolve("agent-1.log"));
        awaitAll(http, "Synced and Healthy", s -> "Synced".equals(s.get("syncStatus")) && "Healthy".equals(s.get("healthStatus")));
        System.out.printf("first sync to all Synced and Healthy: %.1f s; API requests %s%n", seconds(t0), requests(http));
        Map<String, Double> before = metrics(http);
        memory(agent, http, "after the first sync");

        // 2. no-op passes: requests, CPU, ls-remotes (after as many passes again to let the JIT settle)
        Thread.sleep(PASSES * INTERVAL_SECONDS * 1000L);
        before = metrics(http);
        Thread.sleep(PASSES * INTERVAL_SECONDS * 1000L);
        Map<String, Double> after = metrics(http);
        System.out.printf("%d no-op passes (%ds interval): API requests %s; CPU per pass %.2f s; ls-remotes per pass %.1f "
                        + "(%d apps, %d repositories)%n", PASSES, INTERVAL_SECONDS, delta(before, after, "capstan_kube_requests_total"),
                (after.get("process_cpu_seconds_total") - before.get("process_cpu_seconds_total")) / PASSES,
                (sum(after, "capstan_git_requests_total", "op=\"ls-remote\"") - sum(before, "capstan_git_requests_total", "op=\"ls-remote\"")) / PASSES,
                APPS, repos.daemons.size());
        memory(agent, http, "after " + PASSES + " no-op passes");
        Path histogram = tmp.resolve("heap-histogram.txt");
        new ProcessBuilder("jcmd", Long.toString(agent.pid()), "GC.class_histogram").redirectErrorStream(true)
                .redirectOutput(histogram.toFile()).start().waitFor();
        System.out.println("heap by class: " + histogram);
        agent.destroy();
        agent.waitFor();

        // 3. a restart with everything live
        long t1 = System.nanoTime();
        Process again = startAgent(config, cp, tmp.resolve("agent-2.log"));
        while (!ready(http)) {
            Thread.sleep(100);
        }
        double ready = seconds(t1);
        awaitAll(http, "resumed", s -> !((List<?>) s.get("history")).isEmpty() && "Synced".equals(s.get("syncStatus")));
        System.out.printf("restart with %d objects live: Ready in %.1f s, every app resumed (synced once) in %.1f s; API requests %s%n",
                objects, ready, seconds(t1), requests(http));
        again.destroy();
        again.waitFor();
        repos.close();
        System.exit(0);
    }

    private static String manifest(int o) {
        if (o % 25 == 1) {
            return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web" + o + "}\nspec:\n  replicas: 1\n"
                    + "  selector: {matchLabels: {app: web" + o + "}}\n  template:\n    metadata: {labels: {app: web" + o + "}}\n"
                    + "    spec:\n      containers:\n      - {name: web, image: \"nginx:1.25\"}\n";
        }
        if (o % 10 == 0) {
            return "apiVersion: v1\nkind: Service\nmetadata: {name: svc" + o + "}\nspec:\n  clusterIP: None\n  selector: {app: web" + o + "}\n"
                    + "  ports: [{port: 80}]\n";
        }
        return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm" + o + "}\ndata: {key: value-" + o + ", n: \"" + o + "\"}\n";
    }

    private static Process startAgent(Path config, KubeControlPlane cp, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // the JVM as deploy/deployment.yaml runs it: its JAVA_TOOL_OPTIONS and MALLOC_ARENA_MAX, and
        // -XX:MaxRAM at the container's memory limit, so heap sizes follow from the limit as in the pod
        List<String> command = new ArrayList<>(List.of(java, "-XX:MaxRAM=" + DEPLOYED.limitMiB() + "m"));
        String extra = System.getProperty("agent.jvm", "").replace("LOG", log.getFileName().toString());
        if (!extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+"))); // e.g. -Dagent.jvm=-XX:StartFlightRecording=filename=/tmp/LOG.jfr
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.capstan.Main", "run",
                "--config", config.toString(), "--kubeconfig", cp.kubeconfig().toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JAVA_TOOL_OPTIONS", DEPLOYED.javaToolOptions());
        pb.environment().put("MALLOC_ARENA_MAX", DEPLOYED.mallocArenaMax());
        return pb.start();
    }

    /** How deploy/deployment.yaml runs the agent's JVM. */
    private record Deployed(String javaToolOptions, String mallocArenaMax, int limitMiB) {
        static Deployed read() {
            try {
                String yaml = Files.readString(Path.of("deploy/deployment.yaml"));
                return new Deployed(envValue(yaml, "JAVA_TOOL_OPTIONS"), envValue(yaml, "MALLOC_ARENA_MAX"),
                        Integer.parseInt(find(yaml, "limits: \\{memory: (\\d+)Mi\\}")));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private static String envValue(String yaml, String name) {
            return find(yaml, "- name: " + name + "\\s*\\n\\s*value: \"([^\"]*)\"");
        }

        private static String find(String yaml, String regex) {
            Matcher m = Pattern.compile(regex).matcher(yaml);
            if (!m.find()) {
                throw new IllegalStateException("deploy/deployment.yaml: no match for " + regex);
            }
            return m.group(1);
        }
    }

    private interface AppCheck {
        boolean ok(Map<String, Object> status);
    }

    @SuppressWarnings("unchecked")
    private static void awaitAll(HttpJson http, String what, AppCheck check) throws InterruptedException {
        long deadline = System.nanoTime() + 20L * 60 * 1_000_000_000;
        while (System.nanoTime() < deadline) {
            try {
                List<Object> all = http.getJsonList("/api/v1/applications");
                if (all.size() == APPS && all.stream().allMatch(s -> check.ok((Map<String, Object>) s))) {
                    return;
                }
            } catch (RuntimeException e) {
                // the agent is starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("not all apps " + what + " within 20 minutes");
    }

    /** capstan_kube_requests_total by verb, as now. */
    private static Map<String, Long> requests(HttpJson http) {
        Map<String, Long> byVerb = new TreeMap<>();
        metrics(http).forEach((k, v) -> {
            Matcher m = Pattern.compile("capstan_kube_requests_total\\{verb=\"([^\"]+)\"}").matcher(k);
            if (m.matches() && v > 0) {
                byVerb.put(m.group(1), v.longValue());
            }
        });
        return byVerb;
    }

    private static Map<String, Long> delta(Map<String, Double> before, Map<String, Double> after, String family) {
        Map<String, Long> d = new TreeMap<>();
        after.forEach((k, v) -> {
            if (k.startsWith(family + "{")) {
                long n = (long) (v - before.getOrDefault(k, 0.0));
                d.put(k.substring(k.indexOf("verb=\"") + 6, k.length() - 2), n);
            }
        });
        return d;
    }

    private static double sum(Map<String, Double> metrics, String family, String label) {
        return metrics.entrySet().stream().filter(e -> e.getKey().startsWith(family + "{") && e.getKey().contains(label))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    private static void memory(Process agent, HttpJson http, String when) throws Exception {
        double rssBefore = metrics(http).get("process_resident_memory_bytes");
        new ProcessBuilder("jcmd", Long.toString(agent.pid()), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        Thread.sleep(500);
        Map<String, Double> m = metrics(http);
        double heap = sum(m, "jvm_memory_used_bytes", "area=\"heap\"");
        System.out.printf("memory %s: RSS %.0f MiB; after a full GC heap in use %.0f MiB, heap committed %.0f MiB, RSS %.0f MiB%n",
                when, rssBefore / (1 << 20), heap / (1 << 20), sum(m, "jvm_memory_committed_bytes", "area=\"heap\"") / (1 << 20),
                m.get("process_resident_memory_bytes") / (1 << 20));
        if (System.getProperty("agent.jvm", "").contains("NativeMemoryTracking")) {
            Path nmt = Files.createTempFile("capstan-scale-nmt-", ".txt");
            new ProcessBuilder("jcmd", Long.toString(agent.pid()), "VM.native_memory", "summary").redirectErrorStream(true)
                    .redirectOutput(nmt.toFile()).start().waitFor();
            System.out.println("  native memory by area (-XX:NativeMemoryTracking): " + nmt);
        }
    }

    /** Every sample of /metrics, by name and labels. */
    private static Map<String, Double> metrics(HttpJson http) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : http.get("/metrics").body().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            try {
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            } catch (NumberFormatException e) {
                // a timestamp or an exemplar: not needed here
            }
        }
        return samples;
    }

    private static boolean ready(HttpJson http) {
        try {
            return http.get("/readyz").statusCode() == 200;
        } catch (RuntimeException e) {
            return false; // not listening yet
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private ScaleBench() {
    }
}
