package dev.capstan.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code capstan} command. Exit codes follow diff(1): 0 fine, 1 a difference or
 * an unhealthy result, 2 an error; errors are one line each, never a stack trace.
 */
@Command(name = "capstan", mixinStandardHelpOptions = true, versionProvider = CapstanCommand.Version.class,
        description = "GitOps continuous delivery for Kubernetes: keeps a cluster in sync with Git.",
        subcommands = {RenderCommand.class, PlanCommand.class, DiffCommand.class, HealthCommand.class, RunCommand.class, VersionCommand.class, CommandLine.HelpCommand.class})
public final class CapstanCommand implements Runnable {

    public static final int OK = 0;
    public static final int DIFFERENT = 1;
    public static final int ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the CLI with the process's stdout and stderr. */
    public static int execute(String[] args) {
        return execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    }

    /** Runs the CLI with the given streams (tests use this). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new CapstanCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return ERROR;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The version baked into the jar at build time. */
    public static String version() {
        try (InputStream in = CapstanCommand.class.getResourceAsStream("/capstan-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"capstan " + version()};
        }
    }
}
