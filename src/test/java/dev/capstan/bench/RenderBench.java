package dev.capstan.bench;

import dev.capstan.render.FileTree;
import dev.capstan.render.HelmOptions;
import dev.capstan.render.RawRender;
import dev.capstan.render.RenderKind;
import dev.capstan.render.RenderOptions;
import dev.capstan.render.RenderRequest;
import dev.capstan.render.Renderers;
import dev.capstan.render.ToolSettings;
import dev.capstan.render.tool.Tools;
import dev.capstan.source.LocalDirectoryTree;
import dev.capstan.testkit.CommitTree;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The cost of rendering real repositories: {@code scripts/bench --render ROOT:PATH...}
 * (ROOT a checkout, PATH the application's directory in it). For each: the first render
 * in a fresh JVM (Helm's native library loads then), the median uncached render, and the
 * median render of the same commit again (answered from the render cache).
 */
public final class RenderBench {

    private static final int RUNS = 9;

    public static void main(String[] args) throws Exception {
        RenderRequest request = new RenderRequest("bench", "bench", HelmOptions.NONE, "v1.37.2");
        for (String arg : args) {
            int colon = arg.lastIndexOf(':');
            Path root = Path.of(arg.substring(0, colon));
            String path = arg.substring(colon + 1);
            FileTree tree = CommitTree.of(new LocalDirectoryTree(root), "c0ffee");
            long t0 = System.nanoTime();
            RawRender first = fresh().render(tree, path, request);
            double firstMs = (System.nanoTime() - t0) / 1e6;
            List<Double> uncached = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                long t = System.nanoTime();
                fresh().render(tree, path, request);
                uncached.add((System.nanoTime() - t) / 1e6);
            }
            Renderers warm = fresh();
            warm.render(tree, path, request);
            List<Double> cached = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                long t = System.nanoTime();
                warm.render(tree, path, request);
                cached.add((System.nanoTime() - t) / 1e6);
            }
            long renders = 0;
            for (RenderKind k : RenderKind.values()) {
                renders += warm.cache().renders(k);
            }
            System.out.printf("%-9s %-45s %3d objects: first %7.1f ms, uncached median %7.1f ms, cached median %.3f ms"
                            + " (%d render for %d calls)%n", first.kind().label(), root.getFileName() + "/" + path,
                    first.objects().size(), firstMs, median(uncached), median(cached), renders, RUNS + 1);
        }
        System.exit(0);
    }

    private static Renderers fresh() {
        return Tools.renderers(RenderOptions.defaults(), ToolSettings.defaults(), System.getenv());
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
