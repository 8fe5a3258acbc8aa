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
import dev.capstan.render.RenderOptions;
import dev.capstan.source.GitCredentials;
import dev.capstan.source.GitSource;
import dev.capstan.source.GitSourceException;
import dev.capstan.source.LocalDirectoryTree;
import dev.capstan.yaml.YamlLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        return (dir == null) == (repo == null) ? "give either a DIR or --repo URL" : null;
    }

    /** The one desired-state builder, from the flags (offline API judgement unless a discovery is given). */
    DesiredStateBuilder builder(ClusterDiscovery discovery) {
        YamlLimits limits = YamlLimits.defaults().withMaxFileBytes(maxFileBytes).withMaxDocuments(maxDocuments);
        RenderOptions options = RenderOptions.defaults().withLimits(limits).withDefaultNamespace(namespace);
        if (kubeVersion != null) {
            options = options.withApiPolicy(ApiVersionPolicy.offline(KubeVersion.parse(kubeVersion)));
        }
        return new DesiredStateBuilder(options, discovery == null ? null : () -> discovery);
    }

    /** The rendered manifests of the directory or repository. */
    ManifestSet render(DesiredStateBuilder builder) throws RenderException, GitSourceException, IOException {
        return withTree((tree, treePath) -> builder.manifests(tree, treePath, namespace));
    }

    /** The desired objects of the directory or repository, as the agent would apply them for {@code app}. */
    DesiredState desired(String app, DesiredStateBuilder builder) throws RenderException, GitSourceException, IOException {
        return withTree((tree, treePath) -> builder.desired(app, tree, treePath, namespace));
    }

    private interface TreeWork<T> {
        T apply(FileTree tree, String path) throws RenderException;
    }

    private <T> T withTree(TreeWork<T> work) throws RenderException, GitSourceException, IOException {
        if (dir != null) {
            if (!Files.isDirectory(dir)) {
                throw new RenderException(List.of(Problem.error(dir.toString(), 0, "", "not a directory")));
            }
            return work.apply(new LocalDirectoryTree(dir), "");
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

    /** Best effort: JGit may still be writing (a background gc's lock file) while the temp store is removed. */
    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException e) {
            // a temp dir left behind is harmless
        }
    }
}
