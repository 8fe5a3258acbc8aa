package dev.capstan.render.tool;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import dev.capstan.render.FileTree;
import dev.capstan.render.HelmChart;
import dev.capstan.render.HelmHooks;
import dev.capstan.render.ManifestReader;
import dev.capstan.render.PlainRenderer;
import dev.capstan.render.Problem;
import dev.capstan.render.RawObject;
import dev.capstan.render.RawRender;
import dev.capstan.render.RenderException;
import dev.capstan.render.RenderKind;
import dev.capstan.render.RenderRequest;
import dev.capstan.render.Renderer;
import dev.capstan.render.ToolSettings;
import dev.capstan.yaml.YamlWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Templates a chart in-process with Helm's own code (helm-java), as {@code helm template}
 * would for the release name, namespace and the cluster's version, with the chart's
 * vendored dependencies only (no network). Value files must stay inside the repository.
 * The chart's {@code crds/} are added (Helm installs them first; here they sort into
 * stage one), and hooks are kept so they run as the sync's hooks ({@code plan.Hooks}); test
 * hooks are not applied.
 */
public final class HelmRenderer implements Renderer {

    /** Helm drops hook manifests from a template's output; renamed in the private copy, they come through, and are named back. */
    private static final String HOOK = "helm.sh/hook";
    private static final String HOOK_STANDIN = "capstan.dev/helm-hook";
    private static final ExecutorService HELM = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "capstan-helm");
        t.setDaemon(true);
        return t;
    });

    private final ToolSettings settings;

    public HelmRenderer(ToolSettings settings) {
        this.settings = settings;
    }

    @Override
    public RawRender render(FileTree tree, String appPath, RenderRequest request) throws RenderException {
        String chartFile = appPath.isEmpty() ? "Chart.yaml" : appPath + "/Chart.yaml";
        List<Problem> problems = new ArrayList<>();
        List<String> valueFiles;
        try {
            HelmChart chart = HelmChart.read(tree, appPath);
            problems.addAll(chart.missingDependencies(tree));
            valueFiles = chart.valueFiles(tree, request.helm().valueFiles(), "helm.valueFiles", problems);
        } catch (IOException e) {
            throw RenderException.transientFailure(Problem.error(chartFile, 0, "", "cannot read the chart: " + e.getMessage()));
        }
        if (!problems.isEmpty()) {
            throw new RenderException(problems);
        }
        String output;
        try (Workspace ws = Workspace.of(tree)) {
            Path chartDir = ws.repo().resolve(appPath);
            standInHooks(chartDir);
            TemplateCommand template = new Helm(chartDir).template()
                    .withName(request.releaseName())
                    .withNamespace(request.namespace())
                    .withKubeVersion(request.kubeVersion());
            Path scratch = ws.scratch();
            int n = 0;
            for (String file : valueFiles) {
                template.withValuesFile(copyWithStandIns(ws.repo().resolve(file), scratch.resolve("values-" + n++ + ".yaml")));
            }
            if (!request.helm().values().isEmpty()) {
                Path inline = scratch.resolve("values-inline.yaml");
                Files.writeString(inline, standIn(new YamlWriter().write(request.helm().values())), StandardCharsets.UTF_8);
                template.withValuesFile(inline);
            }
            for (String set : request.helm().sets()) {
                int eq = set.indexOf('=');
                template.set(standIn(set.substring(0, eq)), standIn(set.substring(eq + 1)));
            }
            output = call(template, chartFile, ws);
        } catch (IOException e) {
            throw RenderException.transientFailure(Problem.error(chartFile, 0, "", "cannot prepare the chart: " + e.getMessage()));
        }
        if (output.length() > settings.maxOutputBytes()) {
            throw new RenderException(List.of(Problem.error(chartFile, 0, "", "helm template printed more than "
                    + settings.maxOutputBytes() + " bytes (render.maxOutputBytes)")));
        }
        List<RawObject> raws = new ArrayList<>();
        crds(tree, appPath, raws, problems);
        readOutput(output.replace(HOOK_STANDIN, HOOK), appPath, request, raws, problems);
        if (problems.stream().anyMatch(Problem::isError)) {
            throw new RenderException(problems);
        }
        return new RawRender(RenderKind.HELM, HelmHooks.applicable(raws, problems), problems);
    }

    private String call(TemplateCommand template, String chartFile, Workspace ws) throws RenderException {
        Future<String> run = HELM.submit(template::call);
        try {
            return run.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            run.cancel(true);
            throw RenderException.transientFailure(Problem.error(chartFile, 0, "", "helm template did not finish within "
                    + settings.timeout().toSeconds() + " s (render.timeout)"));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new RenderException(List.of(Problem.error(chartFile, 0, "", "helm template failed: "
                    + KustomizeRenderer.trim(ws.relativize(String.valueOf(cause.getMessage()))
                            .replace("\n\nUse --debug flag to render out invalid YAML", "")).replace(HOOK_STANDIN, HOOK))));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            run.cancel(true);
            throw RenderException.transientFailure(Problem.error(chartFile, 0, "", "helm template interrupted"));
        }
    }

    /** Renames the hook annotation in the chart's own files (the private copy), so Helm leaves hooks in its output. */
    private static void standInHooks(Path chartDir) throws IOException {
        try (Stream<Path> files = Files.walk(chartDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".tpl") || name.endsWith(".json")
                        || name.endsWith(".txt"))) {
                    String text = Files.readString(f, StandardCharsets.UTF_8);
                    if (text.contains(HOOK)) {
                        f.toFile().setWritable(true, true);
                        Files.writeString(f, standIn(text), StandardCharsets.UTF_8);
                        f.toFile().setWritable(false, false);
                    }
                }
            }
        } catch (java.nio.charset.MalformedInputException e) {
            // a binary file with a text extension: left as it is
        }
    }

    private static Path copyWithStandIns(Path from, Path to) throws IOException {
        Files.writeString(to, standIn(Files.readString(from, StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        return to;
    }

    private static String standIn(String text) {
        return text.replace(HOOK, HOOK_STANDIN);
    }

    /** The chart's {@code crds/} files, verbatim as Helm installs them (they are not templates). */
    private void crds(FileTree tree, String appPath, List<RawObject> raws, List<Problem> problems) {
        String dir = appPath.isEmpty() ? "crds" : appPath + "/crds";
        try {
            for (FileTree.TreeEntry e : tree.walk(dir)) {
                if (e.type() == FileTree.TreeEntry.Type.FILE && PlainRenderer.isManifestFile(e.path())) {
                    new ManifestReader(KustomizeRenderer.outputLimits(settings))
                            .read(PlainRenderer.decodeUtf8(tree.read(e.path())), e.path(), true, raws, problems);
                }
            }
        } catch (java.io.FileNotFoundException e) {
            // no crds/ directory
        } catch (IOException e) {
            problems.add(Problem.error(dir, 0, "", "cannot read: " + e.getMessage()));
        }
    }

    /** Helm marks each document with {@code # Source: CHART/templates/x.yaml}: objects are attributed to that file. */
    private void readOutput(String output, String appPath, RenderRequest request, List<RawObject> raws, List<Problem> problems) {
        ManifestReader reader = new ManifestReader(KustomizeRenderer.outputLimits(settings));
        StringBuilder doc = new StringBuilder();
        String source = appPath.isEmpty() ? "Chart.yaml" : appPath + "/Chart.yaml";
        for (String line : (output + "\n---").split("\n", -1)) {
            if (line.equals("---")) {
                if (!doc.toString().isBlank()) {
                    reader.read(doc.toString(), source, false, raws, problems);
                }
                doc.setLength(0);
                continue;
            }
            if (line.startsWith("# Source: ")) {
                String rel = line.substring("# Source: ".length()).trim();
                int slash = rel.indexOf('/');
                String inChart = slash < 0 ? rel : rel.substring(slash + 1);
                source = appPath.isEmpty() ? inChart : appPath + "/" + inChart;
            }
            doc.append(line).append('\n');
        }
    }
}
