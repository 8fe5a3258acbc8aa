package dev.capstan.alerts;

import dev.capstan.yaml.YamlLimits;
import dev.capstan.yaml.YamlReader;
import dev.capstan.yaml.YamlWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

/** The shipped PrometheusRule's groups as a plain Prometheus rule file (what promtool and prometheus read). */
final class AlertRules {

    private AlertRules() {
    }

    static Path writeRuleFile(Path dir, UnaryOperator<String> edit) throws Exception {
        var docs = new YamlReader(YamlLimits.defaults()).readAll(Files.readString(Path.of("deploy/monitoring/prometheusrule.yaml")));
        Map<?, ?> spec = (Map<?, ?>) ((Map<?, ?>) docs.get(0).value()).get("spec");
        Files.createDirectories(dir);
        Path file = dir.resolve("capstan-rules.yaml");
        Files.writeString(file, edit.apply(new YamlWriter().write(spec)));
        return file;
    }

    /** promtool, or a failure that says how to get it (CI installs Debian's prometheus package). */
    static String promtool() {
        for (String candidate : new String[] {"/usr/bin/promtool", "/usr/local/bin/promtool"}) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("promtool not found: install it with `apt-get install prometheus` (Debian/Ubuntu)");
    }
}
