package dev.capstan.cli;

import dev.capstan.config.AgentConfig;
import dev.capstan.config.ApplicationSpec;
import dev.capstan.config.ConfigException;
import dev.capstan.config.ConfigLoader;
import dev.capstan.config.Durations;
import dev.capstan.source.GitSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code capstan run}: the agent. For now it loads and checks the config and lists the
 * applications it would serve; the sync engine (issue #3) plugs in here.
 */
@Command(name = "run", description = "Run the agent with a config file (validates it and lists the applications).")
final class RunCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "Agent config file (YAML).")
    Path config;

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
            out.println("  " + app.name() + ": " + GitSource.redact(app.repo().url()) + " ref " + app.repo().ref()
                    + " path " + (app.repo().path().isEmpty() ? "." : app.repo().path())
                    + " -> namespace " + app.destination().namespace()
                    + ", every " + Durations.format(app.sync().interval())
                    + (app.sync().prune() ? ", prune" : ""));
        }
        return CapstanCommand.OK;
    }
}
