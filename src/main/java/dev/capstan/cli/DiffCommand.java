package dev.capstan.cli;

import dev.capstan.cluster.ClusterDiscovery;
import dev.capstan.cluster.LiveCache;
import dev.capstan.plan.DesiredObject;
import dev.capstan.plan.DriftReport;
import dev.capstan.plan.ObjectRef;
import dev.capstan.render.RenderException;
import dev.capstan.source.GitSourceException;
import dev.capstan.yaml.YamlException;
import dev.capstan.yaml.YamlLimits;
import dev.capstan.yaml.YamlReader;
import dev.capstan.yaml.YamlWriter;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code capstan diff}: what differs between Git and the cluster, field by field, with
 * Secret values masked. Offline with {@code --desired FILE --live FILE}; against a
 * cluster for every object of an application (a directory or {@code --repo}).
 * Exit 0 in sync, 1 drifted, 2 error.
 */
@Command(name = "diff", description = "Show drift between Git and live objects (exit 0: in sync, 1: drift, 2: error).")
final class DiffCommand implements Callable<Integer> {

    @Option(names = "--desired", paramLabel = "FILE", description = "Desired object (offline mode, with --live).")
    Path desiredFile;

    @Option(names = "--live", paramLabel = "FILE", description = "Live object, e.g. from kubectl get -o yaml (offline mode).")
    Path liveFile;

    @CommandLine.Mixin
    SourceOptions source;

    @CommandLine.Mixin
    KubeOptions kube;

    @Option(names = "--app", paramLabel = "NAME", description = "Application name (tracking ids; default: the directory's name).")
    String app;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final YamlWriter yaml = new YamlWriter();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (desiredFile != null || liveFile != null) {
            return offline(out, err);
        }
        if (source.usageError() != null) {
            err.println("error: give --desired FILE --live FILE, or a DIR or --repo URL to diff against the cluster");
            return CapstanCommand.ERROR;
        }
        return againstCluster(out, err);
    }

    private int offline(PrintWriter out, PrintWriter err) {
        if (desiredFile == null || liveFile == null) {
            err.println("error: --desired and --live go together");
            return CapstanCommand.ERROR;
        }
        Map<String, Object> desired;
        Map<String, Object> live;
        try {
            desired = readOne(desiredFile);
            live = readOne(liveFile);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return CapstanCommand.ERROR;
        }
        DriftReport report = DriftReport.of(refOf(desired), desired, live, List.of(), yaml::write);
        return print(report, out);
    }

    private int againstCluster(PrintWriter out, PrintWriter err) {
        String name = app != null ? app : PlanCommand.defaultAppName(source);
        try (KubernetesClient client = kube.client()) {
            ClusterDiscovery discovery = ClusterDiscovery.load(client);
            List<DesiredObject> desired = source.desired(name, source.builder(discovery)).objects();
            int drifted = 0;
            try (LiveCache cache = new LiveCache(client, () -> discovery)) {
                for (DesiredObject d : desired) {
                    cache.watch(d.apiVersion(), d.ref().kind());
                    DriftReport r = DriftReport.of(d.ref(), d.body(), cache.find(d.apiVersion(), d.ref()).orElse(null), List.of(),
                            yaml::write);
                    drifted += print(r, out);
                }
            }
            out.println("diff: " + drifted + " of " + desired.size() + " objects differ");
            return drifted == 0 ? CapstanCommand.OK : CapstanCommand.DIFFERENT;
        } catch (RenderException e) {
            e.problems().forEach(err::println);
            return CapstanCommand.ERROR;
        } catch (GitSourceException | IllegalArgumentException | KubernetesClientException | IOException e) {
            err.println("error: " + e.getMessage());
            return CapstanCommand.ERROR;
        }
    }

    /** Prints a drifted object's report; returns 1 when it drifted, 0 otherwise. */
    private static int print(DriftReport r, PrintWriter out) {
        if (r.inSync()) {
            return 0;
        }
        out.println((r.missing() ? "- missing " : "~ drifted ") + r.ref() + (r.missing() ? "" : ": " + String.join(", ", r.paths())));
        out.print(r.diff());
        return 1;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readOne(Path file) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
            var docs = new YamlReader(YamlLimits.defaults()).readAll(text);
            if (docs.size() != 1 || !(docs.get(0).value() instanceof Map<?, ?> m) || m.get("kind") == null) {
                throw new IllegalArgumentException(file + ": expected exactly one Kubernetes object (with a kind)");
            }
            return (Map<String, Object>) m;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage());
        } catch (YamlException e) {
            throw new IllegalArgumentException(file + (e.line() > 0 ? ":" + e.line() : "") + ": " + e.getMessage());
        }
    }

    private static ObjectRef refOf(Map<String, Object> o) {
        Map<?, ?> meta = o.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
        return new ObjectRef(ObjectRef.groupOf(String.valueOf(o.get("apiVersion"))), String.valueOf(o.get("kind")),
                meta.get("namespace") == null ? "" : String.valueOf(meta.get("namespace")), String.valueOf(meta.get("name")));
    }
}
