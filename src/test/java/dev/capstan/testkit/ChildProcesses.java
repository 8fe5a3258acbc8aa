package dev.capstan.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The control plane's processes, each logging to {@code <dir>/<name>.log} (appended across restarts), remembered with
 * their command lines so a fault test can kill one and start it again exactly as it was.
 */
final class ChildProcesses {

    private record Spawned(Process process, List<String> command) {
    }

    private final Path dir;
    private final Map<String, Spawned> byName = new LinkedHashMap<>();

    ChildProcesses(Path dir) {
        this.dir = dir;
    }

    synchronized Process spawn(String name, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
        byName.put(name, new Spawned(p, command));
        return p;
    }

    /** Kills {@code name} with SIGKILL and, after {@code down}, starts it again with the same command. */
    synchronized void crash(String name, java.time.Duration down) throws IOException, InterruptedException {
        Spawned s = byName.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no control-plane process " + name + " (" + byName.keySet() + ")");
        }
        s.process().destroyForcibly().waitFor();
        Thread.sleep(down.toMillis());
        spawn(name, s.command());
    }

    /** Fails with the logs when one of them has exited. */
    synchronized void checkAlive() {
        for (Spawned s : byName.values()) {
            if (!s.process().isAlive()) {
                throw new IllegalStateException("a control-plane process exited early:\n" + logTails());
            }
        }
    }

    /** Stops them all, the last started first (SIGTERM, then SIGKILL after 10 s). */
    synchronized void stopAll() {
        List<Spawned> all = new ArrayList<>(byName.values());
        for (int i = all.size() - 1; i >= 0; i--) {
            Process p = all.get(i).process();
            p.destroy();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        byName.clear();
    }

    /** The last lines of every log, for a failure message. */
    String logTails() {
        StringBuilder s = new StringBuilder();
        try (Stream<Path> logs = Files.list(dir)) {
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                s.append("--- ").append(log.getFileName()).append('\n');
                lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> s.append(l).append('\n'));
            }
        } catch (IOException e) {
            s.append("(logs unreadable: ").append(e).append(")");
        }
        return s.toString();
    }

    /** Copies the logs to {@code target}, where they survive the run for whoever has to debug a red CI. */
    void keepLogs(Path target) {
        try (Stream<Path> logs = Files.list(dir)) {
            Files.createDirectories(target);
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                Files.copy(log, target.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | UncheckedIOException e) {
            // logs are a convenience
        }
    }
}
