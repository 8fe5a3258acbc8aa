package dev.capstan.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process and captures what it printed. */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CapstanCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }

    /** No Java stack trace or exception class name reached the user. */
    boolean hasNoStackTrace() {
        String all = out + err;
        return !all.contains("\tat ") && !all.contains("Exception") && !all.contains("Caused by");
    }
}
