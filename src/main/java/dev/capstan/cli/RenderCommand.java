package dev.capstan.cli;

import dev.capstan.cluster.ClusterDiscovery;
import dev.capstan.render.Manifest;
import dev.capstan.render.ManifestSet;
import dev.capstan.render.RenderException;
import dev.capstan.source.GitSourceException;
import dev.capstan.yaml.YamlWriter;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code capstan render}: what Capstan would apply, as YAML in apply order, from a local
 * directory or a Git repository. Works without a cluster; {@code --live} asks the cluster
 * in the current kubeconfig which API versions it serves.
 */
@Command(name = "render", description = "Render an application's manifests (local DIR or --repo) to stdout in apply order.")
final class RenderCommand implements Callable<Integer> {

    @CommandLine.Mixin
    SourceOptions source;

    @Option(names = "--live", description = "Judge API versions by what the cluster in the current kubeconfig serves.")
    boolean live;

    @CommandLine.Mixin
    KubeOptions kube;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (source.usageError() != null) {
            err.println("error: " + source.usageError());
            return CapstanCommand.ERROR;
        }
        try {
            ClusterDiscovery discovery = null;
            if (live) {
                try (KubernetesClient client = kube.client()) {
                    discovery = ClusterDiscovery.load(client);
                }
            }
            ManifestSet set = source.render(PlanCommand.defaultAppName(source), source.builder(discovery));
            err.println(SourceOptions.describe(set, source.shownPath()));
            set.warnings().forEach(err::println);
            out.print(new YamlWriter().writeAll(set.manifests().stream().map(Manifest::object).toList()));
            out.flush();
            return CapstanCommand.OK;
        } catch (RenderException e) {
            e.problems().forEach(err::println);
            return CapstanCommand.ERROR;
        } catch (GitSourceException | IllegalArgumentException | KubernetesClientException e) {
            err.println("error: " + e.getMessage());
            return CapstanCommand.ERROR;
        } catch (IOException e) {
            err.println("error: cannot read " + (kube.kubeconfig != null ? "kubeconfig " + kube.kubeconfig : "input") + ": " + e.getMessage());
            return CapstanCommand.ERROR;
        }
    }
}
