package dev.capstan.cli;

import dev.capstan.config.AgentConfig;
import dev.capstan.config.ApplicationSpec;
import dev.capstan.config.ConfigException;
import dev.capstan.config.ConfigLoader;
import dev.capstan.config.Durations;
import dev.capstan.config.Secrets;
import dev.capstan.apply.Applier;
import dev.capstan.source.GitSourceException;
import dev.capstan.agent.Agent;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.concurrent.CountDownLatch;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code capstan run}: the agent. Loads and checks the config, connects to the cluster
 * (kubeconfig from --kubeconfig, $KUBECONFIG, ~/.kube/config, or in-cluster) and keeps
 * every application in sync until stopped. {@code --check} only validates and lists.
 */
@Command(name = "run", description = "Run the agent: keep every configured application in sync with Git.")
final class RunCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "Agent config file (YAML).")
    Path config;

    @Option(names = "--check", description = "Only validate the config and list the applications, then exit.")
    boolean check;

    @CommandLine.Mixin
    KubeOptions kube;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AgentConfig agent;
        try {
            agent = ConfigLoader.load(config);
        } catch (ConfigException e) {
            e.problems().forEach(err::println);
            return CapstanCommand.ERROR;
        }
        out.println("config " + config + ": " + agent.applications().size() + " application(s), port "
                + agent.server().port());
        for (ApplicationSpec app : agent.applications()) {
            out.println("  " + app.name() + ": " + Secrets.redactUrls(app.repo().url()) + " ref " + app.repo().ref()
                    + " path " + (app.repo().path().isEmpty() ? "." : app.repo().path())
                    + " -> namespace " + app.destination().namespace()
                    + ", every " + Durations.format(app.sync().interval())
                    + (app.sync().prune() ? ", prune" : ""));
        }
        if (check) {
            return CapstanCommand.OK;
        }
        return runAgent(agent, err);
    }

    private Integer runAgent(AgentConfig config, PrintWriter err) {
        dev.capstan.cluster.KubeRequests requests = new dev.capstan.cluster.KubeRequests();
        KubernetesClient client;
        Agent agent;
        try {
            client = kube.client(requests);
        } catch (java.io.IOException e) {
            err.println("error: cannot read kubeconfig " + kube.kubeconfig + ": " + e.getMessage());
            return CapstanCommand.ERROR;
        }
        try {
            agent = new Agent(config, client, System.getenv(), requests).start();
        } catch (KubernetesClientException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            err.println("error: cannot use the Kubernetes API at " + client.getConfiguration().getMasterUrl() + ": "
                    + (e.getCode() > 0 ? "HTTP " + e.getCode() + " " + Applier.message(e) : root.getClass().getSimpleName() + ": " + root.getMessage())
                    + "; set --kubeconfig or KUBECONFIG (or run in-cluster), and check the agent's RBAC");
            client.close();
            return CapstanCommand.ERROR;
        } catch (GitSourceException e) {
            err.println("error: " + e.getMessage());
            client.close();
            return CapstanCommand.ERROR;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            client.close();
            stopped.countDown();
        }, "capstan-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return CapstanCommand.OK;
    }
}
