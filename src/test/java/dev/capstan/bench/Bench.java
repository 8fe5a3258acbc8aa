package dev.capstan.bench;

import dev.capstan.render.ManifestSet;
import dev.capstan.render.PlainRenderer;
import dev.capstan.render.RenderOptions;
import dev.capstan.source.GitCredentials;
import dev.capstan.source.GitSource;
import dev.capstan.source.LocalDirectoryTree;
import dev.capstan.source.Snapshot;
import dev.capstan.testkit.GitRemote;
import dev.capstan.testkit.KubeControlPlane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Benchmarks quoted in README.md. Run with {@code scripts/bench}. Prints medians over
 * repeated runs after warm-up; on a shared 2-core machine read them as orders of magnitude.
 */
public final class Bench {

    private static final int FILES = 1000;
    private static final int RUNS = 15;

    public static void main(String[] args) throws Exception {
        Path tmp = Files.createTempDirectory("capstan-bench");
        Map<String, String> files = new HashMap<>();
        for (int i = 0; i < FILES; i++) {
            files.put("app/dir" + (i % 20) + "/obj" + i + ".yaml", manifest(i));
        }
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = tmp.resolve("local").resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue());
        }
        PlainRenderer renderer = new PlainRenderer(RenderOptions.defaults());
        LocalDirectoryTree dir = new LocalDirectoryTree(tmp.resolve("local"));
        report("render " + FILES + " small files from a directory", () -> renderer.render(dir, "app"));

        try (GitRemote remote = GitRemote.create(tmp.resolve("origin"))) {
            remote.commit("bench", files);
            try (GitSource source = new GitSource(remote.fileUrl(), "main", GitCredentials.none(), tmp.resolve("cache"), 30,
                    (op, ok, nanos) -> { })) {
                Snapshot snapshot = source.sync();
                report("render " + FILES + " small files from a Git commit", () -> renderer.render(snapshot, "app"));
                report("no-op Git sync (one ls-remote, file://)", source::sync);
            }
        }
        if (args.length > 0 && args[0].equals("--control-plane")) {
            KubeControlPlane cp = KubeControlPlane.get();
            System.out.printf("control plane start (etcd + kube-apiserver ready + controller-manager): %d ms%n",
                    cp.startTime().toMillis());
        }
        System.exit(0);
    }

    private static String manifest(int i) {
        return i % 2 == 0
                ? "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-" + i + "\ndata:\n  key: value-" + i + "\n"
                : "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-" + i + "\nspec:\n  replicas: 2\n"
                        + "  selector: {matchLabels: {app: web-" + i + "}}\n  template:\n    metadata: {labels: {app: web-" + i + "}}\n"
                        + "    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n        ports: [{containerPort: 80}]\n";
    }

    interface Work {
        Object run() throws Exception;
    }

    private static void report(String name, Work work) throws Exception {
        for (int i = 0; i < 3; i++) {
            work.run();
        }
        List<Long> times = new ArrayList<>();
        Object last = null;
        for (int i = 0; i < RUNS; i++) {
            long t0 = System.nanoTime();
            last = work.run();
            times.add(System.nanoTime() - t0);
        }
        Collections.sort(times);
        String size = last instanceof ManifestSet set ? " (" + set.size() + " objects)" : "";
        System.out.printf("%-55s median %7.1f ms  min %7.1f ms  max %7.1f ms%s%n", name,
                times.get(RUNS / 2) / 1e6, times.get(0) / 1e6, times.get(RUNS - 1) / 1e6, size);
    }

    private Bench() {
    }
}
