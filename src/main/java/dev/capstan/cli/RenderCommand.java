package dev.capstan.cli;

import dev.capstan.cluster.ClusterDiscovery;
import dev.capstan.render.ApiVersionPolicy;
import dev.capstan.render.KindScopes;
import dev.capstan.render.KubeVersion;
import dev.capstan.render.Manifest;
import dev.capstan.render.ManifestSet;
import dev.capstan.render.PlainRenderer;
import dev.capstan.render.Problem;
import dev.capstan.render.RemovedApis;
import dev.capstan.render.RenderException;
import dev.capstan.render.RenderOptions;
import dev.capstan.render.ServedApiPolicy;
import dev.capstan.source.GitCredentials;
import dev.capstan.source.GitSource;
import dev.capstan.source.GitSourceException;
import dev.capstan.source.LocalDirectoryTree;
import dev.capstan.source.Snapshot;
import dev.capstan.yaml.YamlLimits;
import dev.capstan.yaml.YamlWriter;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code capstan render}: what Capstan would apply, as YAML in apply order, from a local
 * directory or a Git repository. Works without a cluster; {@code --live} asks the cluster
 * in the current kubeconfig which API versions it serves.
 */
@Command(name = "render", description = "Render an application's manifests (local DIR or --repo) to stdout in apply order.")
final class RenderCommand implements Callable<Integer> {

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

    @Option(names = "--live", description = "Judge API versions by what the cluster in the current kubeconfig serves.")
    boolean live;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "Kubeconfig for --live (default: $KUBECONFIG, ~/.kube/config, or in-cluster).")
    Path kubeconfig;

    @Option(names = "--max-file-bytes", description = "Largest manifest file accepted (default: ${DEFAULT-VALUE}).",
            defaultValue = "4194304")
    long maxFileBytes;

    @Option(names = "--max-documents", description = "Most documents in one file (default: ${DEFAULT-VALUE}).",
            defaultValue = "1000")
    int maxDocuments;

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

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if ((dir == null) == (repo == null)) {
            err.println("error: give either a DIR or --repo URL");
            return CapstanCommand.ERROR;
        }
        RenderOptions options;
        try {
            options = options();
        } catch (IllegalArgumentException | KubernetesClientException e) {
            err.println("error: " + e.getMessage());
            return CapstanCommand.ERROR;
        } catch (IOException e) {
            err.println("error: cannot read kubeconfig " + kubeconfig + ": " + e.getMessage());
            return CapstanCommand.ERROR;
        }
        try {
            ManifestSet set = dir != null ? renderDirectory(options) : renderRepository(options);
            set.warnings().forEach(w -> err.println(w));
            out.print(new YamlWriter().writeAll(set.manifests().stream().map(Manifest::object).toList()));
            out.flush();
            return CapstanCommand.OK;
        } catch (RenderException e) {
            e.problems().forEach(p -> err.println(p));
            return CapstanCommand.ERROR;
        } catch (GitSourceException e) {
            err.println("error: " + e.getMessage());
            return CapstanCommand.ERROR;
        }
    }

    private RenderOptions options() throws IOException {
        YamlLimits limits = YamlLimits.defaults().withMaxFileBytes(maxFileBytes).withMaxDocuments(maxDocuments);
        RenderOptions options = RenderOptions.defaults().withLimits(limits).withDefaultNamespace(namespace);
        if (kubeVersion != null) {
            options = options.withApiPolicy(ApiVersionPolicy.offline(KubeVersion.parse(kubeVersion)));
        }
        if (live) {
            try (KubernetesClient client = Kube.client(kubeconfig)) {
                ClusterDiscovery discovery = ClusterDiscovery.load(client);
                options = options.withApiPolicy(new ServedApiPolicy(RemovedApis.builtIn(), discovery::serves))
                        .withScopes(discovery.or(KindScopes.BUILT_IN));
            }
        }
        return options;
    }

    private ManifestSet renderDirectory(RenderOptions options) throws RenderException {
        if (!Files.isDirectory(dir)) {
            throw new RenderException(java.util.List.of(Problem.error(dir.toString(), 0, "", "not a directory")));
        }
        return new PlainRenderer(options).render(new LocalDirectoryTree(dir), "");
    }

    private ManifestSet renderRepository(RenderOptions options) throws RenderException, GitSourceException, IOException {
        Path cache = Files.createTempDirectory("capstan-render");
        GitCredentials credentials = passwordFile != null || passwordEnv != null
                ? GitCredentials.of(username, passwordFile, passwordEnv, System.getenv()) : GitCredentials.none();
        credentials = credentials.withSsh(sshKeyFile, knownHostsFile);
        try (GitSource source = new GitSource(repo, ref, credentials, cache, 60, (op, ok, nanos) -> { })) {
            Snapshot snapshot = source.sync();
            return new PlainRenderer(options).render(snapshot, path);
        } finally {
            deleteRecursively(cache);
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
