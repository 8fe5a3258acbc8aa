package dev.capstan.cli;

import dev.capstan.cluster.ClusterDiscovery;
import dev.capstan.engine.DesiredState;
import dev.capstan.engine.DesiredStateBuilder;
import dev.capstan.render.ApiVersionPolicy;
import dev.capstan.render.FileTree;
import dev.capstan.render.KubeVersion;
import dev.capstan.render.ManifestSet;
import dev.capstan.render.Problem;
import dev.capstan.render.RenderException;
import dev.capstan.render.HelmOptions;
import dev.capstan.render.RemovedApis;
import dev.capstan.render.RenderKind;
import dev.capstan.render.RenderOptions;
import dev.capstan.render.RenderRequest;
import dev.capstan.render.ToolSettings;
import dev.capstan.render.tool.Tools;
import dev.capstan.source.GitCredentials;
import dev.capstan.source.GitSource;
import dev.capstan.source.GitSourceException;
import dev.capstan.source.LocalDirectoryTree;
import dev.capstan.yaml.YamlLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Where manifests come from (a directory or a Git repository) and how to render them: shared by render, plan and diff. */
final class SourceOptions {

    @Parameters(arity = "0..1", paramLabel = "DIR", description = "Local directory of manifests.")
    Path dir;

    @Option(names = "--repo", paramLabel = "URL", description = "Git repository URL (https, http, git, ssh, file).")
    String repo;

    @Option(names = "--ref", paramLabel = "REF", description = "Branch, tag or full commit SHA (default: the remote's HEAD).")
    String ref;

    @Option(names = "--path", paramLabel = "PATH", defaultValue = "", description = "Directory inside the repository.")
    String path;

    @Option(names = {"-n", "--namespace"}, defaultValue = "default",
            description = "Namespace for namespaced objects that set none (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--kube-version", paramLabel = "X.Y",
            description = "Kubernetes version to judge API versions against (default: the newest Capstan knows).")
    String kubeVersion;

    @Option(names = "--max-file-bytes", description = "Largest manifest file accepted (default: ${DEFAULT-VALUE}).",
            defaultValue = "4194304")
    long maxFileBytes;

    @Option(names = "--max-documents", description = "Most documents in one file (default: ${DEFAULT-VALUE}).",
            defaultValue = "1000")
    int maxDocuments;

    @Option(names = "--helm-values", paramLabel = "FILE",
            description = "Helm value file, relative to the chart directory or a path inside the local repository (repeatable).")
    List<String> helmValues = new java.util.ArrayList<>();

    @Option(names = "--helm-set", paramLabel = "KEY=VALUE", description = "Helm value as helm --set reads it (repeatable).")
    List<String> helmSets = new java.util.ArrayList<>();

    @Option(names = "--release-name", paramLabel = "NAME", description = "Helm release name (default: the application's name).")
    String releaseName;

    @Option(names = "--kustomize-command", paramLabel = "CMD",
            description = "kustomize to run (default: kustomize on PATH, else kubectl kustomize).")
    String kustomizeCommand;

    @Option(names = "--enable-helm", description = "Let kustomizations inflate Helm charts (helmCharts:).")
    boolean enableHelm;

    @Option(names = "--allow-remote-bases", description = "Let kustomizations load remote bases (network during render).")
    boolean allowRemoteBases;

    @Option(names = "--render-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Wall-clock limit of a kustomize or Helm render (default: ${DEFAULT-VALUE}).")
    int renderTimeout;

    @Option(names = "--username", description = "HTTPS user name for --repo (default: git).")
    String username;

    @Option(names = "--password-file", description = "File holding the HTTPS password or token for --repo.")
    String passwordFile;

    @Option(names = "--password-env", description = "Environment variable holding the HTTPS password or token for --repo.")
    String passwordEnv;

    @Option(names = "--ssh-key-file", description = "Private key for ssh:// repositories (default: ~/.ssh).")
    String sshKeyFile;

    @Option(names = "--known-hosts-file", description = "known_hosts for ssh:// repositories (default: ~/.ssh/known_hosts).")
    String knownHostsFile;

    /** A usage problem with the source arguments, or null. */
    String usageError() {
        if ((dir == null) == (repo == null)) {
            return "give either a DIR or --repo URL";
        }
        for (String set : helmSets) {
            if (set.indexOf('=') <= 0) {
                return "--helm-set " + set + ": write it as KEY=VALUE";
            }
        }
        return renderTimeout < 1 ? "--render-timeout must be at least 1 second" : null;
    }

    /** The one desired-state builder, from the flags (offline API judgement unless a discovery is given). */
    DesiredStateBuilder builder(ClusterDiscovery discovery) {
        YamlLimits limits = YamlLimits.defaults().withMaxFileBytes(maxFileBytes).withMaxDocuments(maxDocuments);
        RenderOptions options = RenderOptions.defaults().withLimits(limits).withDefaultNamespace(namespace);
        KubeVersion offline = kubeVersion != null ? KubeVersion.parse(kubeVersion) : RemovedApis.builtIn().newest();
        options = options.withApiPolicy(ApiVersionPolicy.offline(offline));
        ToolSettings tools = new ToolSettings(kustomizeCommand == null || kustomizeCommand.isBlank() ? List.of()
                : List.of(kustomizeCommand.trim().split("\\s+")), enableHelm, allowRemoteBases,
                Duration.ofSeconds(renderTimeout), ToolSettings.defaults().maxOutputBytes());
        return new DesiredStateBuilder(options, Tools.renderers(options, tools, System.getenv()), offline + ".0",
                discovery == null ? null : () -> discovery);
    }

    /** The rendered manifests of the directory or repository. */
    ManifestSet render(String app, DesiredStateBuilder builder) throws RenderException, GitSourceException, IOException {
        return withTree((tree, treePath) -> builder.manifests(tree, treePath, request(app, builder, tree, treePath)));
    }

    /** The desired objects of the directory or repository, as the agent would apply them for {@code app}. */
    DesiredState desired(String app, DesiredStateBuilder builder) throws RenderException, GitSourceException, IOException {
        return withTree((tree, treePath) -> builder.desired(tree, treePath, request(app, builder, tree, treePath)));
    }

    private RenderRequest request(String app, DesiredStateBuilder builder, FileTree tree, String treePath) {
        List<String> files = helmValues.stream().map(f -> chartRelative(f, tree, treePath)).toList();
        return builder.request(app, namespace, new HelmOptions(releaseName == null ? "" : releaseName, files, Map.of(), helmSets));
    }

    /**
     * A value file as typed: a path on disk inside the local repository is made relative to
     * the chart (as helm -f reads it from the working directory); anything else is taken as
     * relative to the chart, as in the agent's config.
     */
    private String chartRelative(String file, FileTree tree, String treePath) {
        if (localRoot == null) {
            return file;
        }
        Path onDisk = Path.of(file).toAbsolutePath().normalize();
        if (!Files.exists(onDisk) || !onDisk.startsWith(localRoot)) {
            return file;
        }
        Path chart = treePath.isEmpty() ? localRoot : localRoot.resolve(treePath);
        return chart.relativize(onDisk).toString().replace(java.io.File.separatorChar, '/');
    }

    /** The root of the local tree rendered, when rendering a DIR. */
    private Path localRoot;

    /**
     * How the render went, for stderr: the renderer chosen and the path, e.g.
     * {@code render: kustomize (overlays/prod)}.
     */
    static String describe(ManifestSet set, String path) {
        return "render: " + set.kind().label() + (path.isEmpty() ? "" : " (" + path + ")");
    }

    /** The path rendered, as shown to the user. */
    String shownPath() {
        return dir != null ? dir.toString() : path;
    }

    private interface TreeWork<T> {
        T apply(FileTree tree, String path) throws RenderException;
    }

    private <T> T withTree(TreeWork<T> work) throws RenderException, GitSourceException, IOException {
        if (dir != null) {
            if (!Files.isDirectory(dir)) {
                throw new RenderException(List.of(Problem.error(dir.toString(), 0, "", "not a directory")));
            }
            Path abs = dir.toAbsolutePath().normalize();
            Path top = RenderKind.detect(new LocalDirectoryTree(abs), "") == RenderKind.PLAIN ? null : workTreeOf(abs);
            // an overlay reaches ../base and a chart's value files may sit beside it: render from the repository's root
            localRoot = top == null ? abs : top;
            return work.apply(new LocalDirectoryTree(localRoot), localRoot.relativize(abs).toString().replace(java.io.File.separatorChar, '/'));
        }
        Path cache = Files.createTempDirectory("capstan-render");
        GitCredentials credentials = GitCredentials.from(username, passwordFile, passwordEnv, sshKeyFile, knownHostsFile,
                System.getenv());
        try (GitSource source = new GitSource(repo, ref, credentials, cache, 60, (op, ok, nanos) -> { })) {
            return work.apply(source.sync(), path);
        } finally {
            deleteQuietly(cache);
        }
    }

    /** The Git working tree a directory is in (the nearest ancestor holding .git), or null. */
    private static Path workTreeOf(Path dir) {
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(".git"))) {
                return p;
            }
        }
        return null;
    }

    /** Best effort: JGit may still be writing (a background gc's lock file) while the temp store is removed. */
    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException e) {
            // a temp dir left behind is harmless
        }
    }
}
