package dev.capstan.bench;

import dev.capstan.config.AgentConfig;
import dev.capstan.config.ConfigLoader;
import dev.capstan.agent.Agent;
import dev.capstan.agent.AppStatus;
import dev.capstan.testkit.GitRemote;
import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.RequestLog;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The sync engine's benchmark, quoted in README.md ({@code scripts/bench --sync}): a first
 * sync of 1,000 objects next to {@code kubectl apply --server-side} of the same files on
 * the same control plane, the API requests of a no-op resync, and the heap in use.
 */
public final class SyncBench {

    private static final int OBJECTS = 1000;
    private static final int PARALLELISM = Integer.getInteger("parallelism", 8);

    private static long firstMillis;
    private static long warmMillis;

    private static AgentConfig config(Path tmp, String namespace, String url, KubernetesClient client) throws Exception {
        client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                .withName(namespace).endMetadata().build()).create();
        return ConfigLoader.parse("bench.yaml", """
                server: {port: 0}
                namespace: capstan-bench
                cacheDir: %s
                apply: {parallelism: %d}
                applications:
                  - name: %s
                    repo: {url: "%s", ref: main, path: app}
                    destination: {namespace: %s}
                    sync: {interval: 1h, prune: true}
                """.formatted(tmp.resolve("cache-" + namespace), PARALLELISM, namespace, url, namespace));
    }

    public static void main(String[] args) throws Exception {
        KubeControlPlane cp = KubeControlPlane.get();
        Path tmp = Files.createTempDirectory("capstan-syncbench");
        Map<String, String> files = new HashMap<>();
        for (int i = 0; i < OBJECTS; i++) {
            files.put("app/obj" + i + ".yaml", i % 5 == 0
                    ? "apiVersion: v1\nkind: Secret\nmetadata: {name: s" + i + "}\nstringData: {token: value-" + i + "}\n"
                    : "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c" + i + "}\ndata: {key: value-" + i + ", n: \"" + i + "\"}\n");
        }
        RequestLog log = new RequestLog();
        try (GitRemote remote = GitRemote.create(tmp.resolve("origin"));
             KubernetesClient client = cp.newClient(log)) {
            remote.commit("1000 objects", files);
            AgentConfig config = config(tmp, "bench", remote.fileUrl(), client);
            long t0 = System.nanoTime();
            try (Agent agent = new Agent(config, client, Map.of()).start()) {
                AppStatus status = agent.statuses().get(0);
                waitForSyncs(status, 1);
                long first = System.nanoTime() - t0;
                firstMillis = first / 1_000_000;
                long firstRequests = log.all().size();
                System.out.printf("first sync of %d objects, apply.parallelism %d (agent start to Succeeded): %d ms, %d API requests; %s%n",
                        OBJECTS, PARALLELISM, first / 1_000_000, firstRequests, status.message());
                phases(log, t0);

                log.clear();
                long t1 = System.nanoTime();
                agent.trigger("bench");
                waitForSyncs(status, 2);
                long noop = System.nanoTime() - t1;
                System.out.printf("no-op resync of %d objects: %d ms, %d API requests (%s)%n",
                        OBJECTS, noop / 1_000_000, log.all().size(), String.join(", ", log.all()));

                System.gc();
                Thread.sleep(500);
                System.gc();
                Runtime rt = Runtime.getRuntime();
                System.out.printf("heap in use after GC with %d objects cached: %d MiB%n", OBJECTS,
                        (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024));
            }
            // kubectl's default client-side validation costs it tens of ms of CPU per object against
            // a server with a large OpenAPI v3 document; --validate=false is kubectl's requests alone,
            // the fairer bar, and the one the ratio is taken against.
            kubectl(cp, tmp.resolve("origin/work/app"), "bench-kubectl");
            // the same again into a new namespace, by a second agent in the same (now warm) JVM: what a
            // long-running agent pays for a new app or a big commit, without the JVM's start and JIT warm-up
            AgentConfig warm = config(tmp, "bench-warm", remote.fileUrl(), client);
            log.clear();
            long t2 = System.nanoTime();
            try (Agent agent = new Agent(warm, client, Map.of()).start()) {
                AppStatus status = agent.statuses().get(0);
                waitForSyncs(status, 1);
                warmMillis = (System.nanoTime() - t2) / 1_000_000;
                System.out.printf("first sync of %d objects again, by a new agent in the warm JVM: %d ms, %d API requests%n",
                        OBJECTS, warmMillis, log.all().size());
                phases(log, t2);
            }
            long kubectlMillis = kubectl(cp, tmp.resolve("origin/work/app"), "bench-kubectl-novalidate", "--validate=false");
            System.out.printf("first sync / kubectl apply --server-side --validate=false: %.2f in a fresh JVM, %.2f in a warm one "
                    + "(goal: at most 1.0)%n", (double) firstMillis / kubectlMillis, (double) warmMillis / kubectlMillis);
        }
        System.exit(0);
    }

    /** Where the first sync's time went: agent start to the first dry-run, the dry-runs, the applies, the rest. */
    private static void phases(RequestLog log, long t0) {
        List<RequestLog.Sent> sent = log.sent();
        List<Long> dryRuns = sent.stream().filter(s -> s.line().contains("dryRun=All")).map(RequestLog.Sent::nanos).toList();
        List<Long> applies = sent.stream().filter(s -> s.line().startsWith("PATCH ") && !s.line().contains("dryRun=All")
                && !s.line().contains("/configmaps/capstan-inventory")).map(RequestLog.Sent::nanos).toList();
        if (applies.isEmpty()) {
            return;
        }
        long firstWrite = dryRuns.isEmpty() ? applies.get(0) : Math.min(dryRuns.get(0), applies.get(0));
        System.out.printf("  phases: start to first write %d ms; %d dry-runs over %d ms; %d applies over %d ms%n",
                (firstWrite - t0) / 1_000_000, dryRuns.size(), dryRuns.isEmpty() ? 0 : span(dryRuns),
                applies.size(), span(applies));
    }

    private static long span(List<Long> nanos) {
        return (nanos.get(nanos.size() - 1) - nanos.get(0)) / 1_000_000;
    }

    private static long kubectl(KubeControlPlane cp, Path dir, String namespace, String... flags) throws Exception {
        try (KubernetesClient client = cp.newClient()) {
            client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                    .withName(namespace).endMetadata().build()).create();
        }
        List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", cp.kubeconfig().toString(), "apply",
                "--server-side", "-n", namespace, "-f", dir.toString()));
        command.addAll(List.of(flags));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        boolean done = p.waitFor(10, TimeUnit.MINUTES);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("kubectl apply --server-side %sof the same %d files: %d ms (exit %s)%n",
                flags.length == 0 ? "" : String.join(" ", flags) + " ", OBJECTS, millis, done ? p.exitValue() : "timeout");
        return millis;
    }

    private static void waitForSyncs(AppStatus status, int n) throws InterruptedException {
        while (status.historySize() < n || status.phase() == dev.capstan.agent.Phase.Syncing) {
            Thread.sleep(50);
        }
    }

    private SyncBench() {
    }
}
