package dev.capstan.render.tool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a rendering tool as a subprocess bounded in time and output: a hanging or runaway
 * render fails that application only, it never stalls or exhausts the agent. The child
 * gets a minimal environment, not the agent's (no cloud credentials, no kubeconfig).
 */
final class ToolProcess {

    /** How a run ended: exit code, stdout, stderr (stderr cut to its last 64 KiB). */
    record Result(int exitCode, String stdout, String stderr) {
    }

    /** The run did not finish in time, or printed more than allowed; the process was killed. */
    static final class Exceeded extends Exception {
        Exceeded(String message) {
            super(message);
        }
    }

    private static final int STDERR_LIMIT = 64 * 1024;
    private static final java.util.concurrent.ExecutorService READERS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "capstan-render-output");
        t.setDaemon(true);
        return t;
    });

    private ToolProcess() {
    }

    static Result run(List<String> command, Path workDir, Map<String, String> env, Duration timeout, long maxOutputBytes)
            throws IOException, Exceeded {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        Process process = pb.start();
        process.getOutputStream().close();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> drain(process.getInputStream(), maxOutputBytes, false), READERS);
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream(), STDERR_LIMIT, true), READERS);
        out.thenAccept(bytes -> {
            if (bytes == null) {
                kill(process);
            }
        });
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new Exceeded("did not finish within " + timeout.toSeconds() + " s (render.timeout); killed");
            }
            byte[] stdout = out.get(10, TimeUnit.SECONDS);
            if (stdout == null) {
                kill(process);
                throw new Exceeded("printed more than " + maxOutputBytes + " bytes (render.maxOutputBytes); killed");
            }
            return new Result(process.exitValue(), new String(stdout, StandardCharsets.UTF_8),
                    new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            kill(process);
            throw new IOException("cannot read the tool's output: " + e.getMessage(), e);
        }
    }

    /** @return the bytes read, or null when there were more than {@code limit} (unless {@code keepTail}) */
    private static byte[] drain(InputStream in, long limit, boolean keepTail) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[65536];
        boolean over = false;
        try (in) {
            int n;
            while ((n = in.read(chunk)) >= 0) {
                if (over) {
                    continue; // keep reading so the child is not blocked on a full pipe before it is killed
                }
                buf.write(chunk, 0, n);
                if (buf.size() > limit) {
                    if (!keepTail) {
                        over = true;
                        buf = new ByteArrayOutputStream();
                        in.close();
                        break;
                    }
                    byte[] all = buf.toByteArray();
                    buf = new ByteArrayOutputStream();
                    buf.write(all, all.length - (int) limit, (int) limit);
                }
            }
        } catch (IOException e) {
            // the process was killed or closed its stream: what was read is what there is
        }
        return over ? null : buf.toByteArray();
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
