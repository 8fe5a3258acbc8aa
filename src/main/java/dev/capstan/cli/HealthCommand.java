package dev.capstan.cli;

import dev.capstan.health.Health;
import dev.capstan.health.HealthChecks;
import dev.capstan.health.HealthStatus;
import dev.capstan.yaml.YamlDocument;
import dev.capstan.yaml.YamlException;
import dev.capstan.yaml.YamlLimits;
import dev.capstan.yaml.YamlReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code capstan health -f FILE}: assesses objects saved from a cluster
 * ({@code kubectl get -o yaml}), offline. One line per object, {@code <Code>: <message>};
 * exit 0 when all are Healthy, 1 otherwise, 2 for unreadable input. Lists are expanded.
 */
@Command(name = "health", description = "Assess the health of objects in a YAML/JSON file, offline (exit 0: Healthy, 1: not, 2: bad input).")
final class HealthCommand implements Callable<Integer> {

    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE", description = "Object(s) as YAML or JSON (\"-\" for stdin).")
    String file;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Map<String, Object>> objects;
        try {
            objects = read();
        } catch (java.nio.file.NoSuchFileException e) {
            err.println(file + ": no such file");
            return CapstanCommand.ERROR;
        } catch (IOException e) {
            err.println(file + ": cannot read: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return CapstanCommand.ERROR;
        } catch (YamlException e) {
            err.println(file + (e.line() > 0 ? ":" + e.line() : "") + ": " + e.getMessage());
            return CapstanCommand.ERROR;
        } catch (IllegalArgumentException e) {
            err.println(file + ": " + e.getMessage());
            return CapstanCommand.ERROR;
        }
        HealthStatus worst = HealthStatus.Healthy;
        for (Map<String, Object> o : objects) {
            Health h = HealthChecks.assess(o);
            worst = HealthStatus.worst(worst, h.status());
            out.println(h.line(objects.size() > 1 ? describe(o) : ""));
        }
        return worst == HealthStatus.Healthy ? CapstanCommand.OK : CapstanCommand.DIFFERENT;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> read() throws IOException, YamlException {
        byte[] bytes = file.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
        String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        List<Map<String, Object>> objects = new ArrayList<>();
        PrintWriter err = spec.commandLine().getErr();
        YamlReader reader = YamlReader.lastKeyWins(YamlLimits.defaults(), (line, key) -> err.println(file + ":" + line
                + ": warning: duplicate key \"" + key + "\": the last one wins, as the API server reads it"));
        for (YamlDocument doc : reader.readAll(text)) {
            if (!(doc.value() instanceof Map<?, ?> m) || m.get("kind") == null) {
                throw new IllegalArgumentException("document at line " + doc.line() + " is not a Kubernetes object (no kind)");
            }
            if (String.valueOf(m.get("kind")).endsWith("List") && m.get("items") instanceof List<?> items) {
                for (Object item : items) {
                    if (item instanceof Map<?, ?> im) {
                        objects.add((Map<String, Object>) im);
                    }
                }
            } else {
                objects.add((Map<String, Object>) m);
            }
        }
        if (objects.isEmpty()) {
            throw new IllegalArgumentException("no object in the file");
        }
        return objects;
    }

    private static String describe(Map<String, Object> o) {
        Object meta = o.get("metadata");
        Map<?, ?> m = meta instanceof Map<?, ?> mm ? mm : Map.of();
        Object ns = m.get("namespace");
        return o.get("kind") + "/" + (ns == null ? "" : ns + "/") + m.get("name");
    }
}
