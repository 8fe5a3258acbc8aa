package dev.capstan.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Short-lived commands the test kit runs (ip, ctr, podman, pkill): output and exit, with a limit. */
final class Commands {

    /** What a command printed (stdout and stderr together) and how it exited; -1 when it ran past its limit. */
    record Result(int exit, String output) {
    }

    private Commands() {
    }

    static Result run(List<String> command, Duration limit) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(-1, out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        return new Result(p.exitValue(), out);
    }

    /** {@link #check(List, Duration)} within 2 minutes. */
    static String check(List<String> command) throws IOException {
        return check(command, Duration.ofMinutes(2));
    }

    /** Runs {@code command}; a non-zero exit fails with its output. */
    static String check(List<String> command, Duration limit) throws IOException {
        Result r = run(command, limit);
        if (r.exit() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + r.exit() + "): " + r.output().strip());
        }
        return r.output();
    }

    /** Cleanup: what cannot be undone is left. */
    static void quietly(List<String> command) {
        try {
            run(command, Duration.ofMinutes(1));
        } catch (IOException e) {
            // best effort
        }
    }
}
