package dev.capstan.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code capstan version}: the same as {@code --version}, for scripts that prefer a verb. */
@Command(name = "version", description = "Print the version.")
final class VersionCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println("capstan " + CapstanCommand.version());
        return CapstanCommand.OK;
    }
}
