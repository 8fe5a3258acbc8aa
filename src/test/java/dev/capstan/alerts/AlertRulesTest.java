package dev.capstan.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The alert rules in deploy/ pass {@code promtool check rules} and their unit tests ({@code promtool test rules}). */
class AlertRulesTest {

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    @Test
    void promtoolAcceptsTheRulesAndTheirTestsPass() throws Exception {
        Path dir = Path.of("target", "alerts").toAbsolutePath();
        Path rules = AlertRules.writeRuleFile(dir, s -> s);
        run(dir, AlertRules.promtool(), "check", "rules", rules.toString());
        Files.copy(Path.of(AlertRulesTest.class.getResource("/dev/capstan/alerts/rules-test.yaml").toURI()),
                dir.resolve("rules-test.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        run(dir, AlertRules.promtool(), "test", "rules", "rules-test.yaml");
    }
}
