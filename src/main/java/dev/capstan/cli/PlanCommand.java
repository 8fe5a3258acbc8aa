package dev.capstan.cli;

import dev.capstan.apply.InventoryStore;
import dev.capstan.cluster.ClusterDiscovery;
import dev.capstan.cluster.LiveCache;
import dev.capstan.engine.DesiredState;
import dev.capstan.plan.DesiredObject;
import dev.capstan.plan.Inventory;
import dev.capstan.plan.Plan;
import dev.capstan.plan.PlanEntry;
import dev.capstan.plan.Planner;
import dev.capstan.render.RenderException;
import dev.capstan.source.GitSourceException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code capstan plan}: what a sync would do to the cluster, without doing it. One line
 * per object ({@code + create}, {@code ~ update} with the changed fields, {@code = unchanged},
 * {@code - prune}); exit 0 when nothing would change, 1 when something would.
 */
@Command(name = "plan", description = "Show what a sync would change in the cluster (exit 0: nothing, 1: changes, 2: error).")
final class PlanCommand implements Callable<Integer> {

    @CommandLine.Mixin
    SourceOptions source;

    @Option(names = "--app", paramLabel = "NAME",
            description = "Application name (tracking ids and inventory; default: the directory's or --path's last segment).")
    String app;

    @Option(names = "--agent-namespace", defaultValue = "capstan",
            description = "Namespace holding the inventories, for prune lines (default: ${DEFAULT-VALUE}).")
    String agentNamespace;

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
        String name = appName();
        try (KubernetesClient client = kube.client()) {
            ClusterDiscovery discovery = ClusterDiscovery.load(client);
            DesiredState state = source.desired(name, source.builder(discovery));
            state.warnings().forEach(err::println);
            List<DesiredObject> desired = state.objects();
            Inventory previous = new InventoryStore(client, agentNamespace).read(name);
            Plan plan;
            try (LiveCache cache = new LiveCache(client, () -> discovery)) {
                desired.forEach(d -> cache.watch(d.apiVersion(), d.ref().kind()));
                plan = Planner.plan(name, desired, cache::find, previous);
            }
            plan.entries().forEach(e -> out.println(e.line()));
            out.println(summary(plan));
            return plan.hasChanges() ? CapstanCommand.DIFFERENT : CapstanCommand.OK;
        } catch (RenderException e) {
            e.problems().forEach(err::println);
            return CapstanCommand.ERROR;
        } catch (GitSourceException | IllegalArgumentException | KubernetesClientException e) {
            err.println("error: " + e.getMessage());
            return CapstanCommand.ERROR;
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return CapstanCommand.ERROR;
        }
    }

    private String appName() {
        return app != null ? app : defaultAppName(source);
    }

    /** The app name a CLI user means when they give none: the directory's (or --path's) last segment. */
    static String defaultAppName(SourceOptions source) {
        String p = source.dir != null ? source.dir.toAbsolutePath().normalize().getFileName().toString() : source.path;
        String last = p == null || p.isBlank() ? "default" : Path.of(p).getFileName().toString();
        return last.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    }

    private static String summary(Plan plan) {
        return "plan: " + plan.count(PlanEntry.Kind.CREATE) + " to create, " + plan.count(PlanEntry.Kind.UPDATE) + " to update, "
                + plan.count(PlanEntry.Kind.PRUNE) + " to prune, " + plan.count(PlanEntry.Kind.UNCHANGED) + " unchanged"
                + (plan.count(PlanEntry.Kind.CONFLICT) > 0 ? ", " + plan.count(PlanEntry.Kind.CONFLICT) + " owned by another app" : "");
    }
}
