package dev.capstan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code capstan health -f}: first word is the code; exit 0 Healthy, 1 otherwise, 2 unreadable. */
class HealthCommandTest {

    @TempDir
    Path tmp;

    private static String fixture(String name) {
        try {
            return Path.of(HealthCommandTest.class.getResource("/dev/capstan/health/" + name + ".yaml").toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"deployment-healthy,Healthy,0", "deployment-progress-deadline-exceeded,Degraded,1", "deployment-paused,Suspended,1",
            "pod-crashloop,Degraded,1", "job-running,Progressing,1", "configmap-no-status,Healthy,0"})
    void printsOneLineStartingWithTheCode(String name, String code, int exit) {
        CliRun run = CliRun.of("health", "-f", fixture(name));
        assertEquals(exit, run.exitCode(), run.err());
        assertEquals(1, run.out().lines().count());
        assertTrue(run.out().startsWith(code + ": "), run.out());
    }

    @Test
    void listsAreAssessedObjectByObjectAndTheWorstDecides() throws Exception {
        Path list = tmp.resolve("list.yaml");
        Files.writeString(list, Files.readString(Path.of(fixture("deployment-healthy"))) + "---\n"
                + Files.readString(Path.of(fixture("pod-crashloop"))));
        CliRun run = CliRun.of("health", "-f", list.toString());
        assertEquals(1, run.exitCode());
        assertEquals(2, run.out().lines().count());
        assertTrue(run.out().contains("Degraded: Pod/web-1: container web CrashLoopBackOff"), run.out());
    }

    @Test
    void aDuplicateKeyIsReadAsTheApiServerReadsItTheLastOneWinsWithAWarning() throws Exception {
        Path saved = tmp.resolve("saved.yaml");
        Files.writeString(saved, """
                apiVersion: batch/v1
                kind: Job
                metadata: {name: migrate}
                status:
                  failed: 1
                  conditions:
                  - {type: Failed, status: "True", reason: BackoffLimitExceeded}
                  conditions:
                  - {type: Complete, status: "True"}
                """);
        CliRun run = CliRun.of("health", "-f", saved.toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().startsWith("Healthy: "), run.out());
        assertEquals(saved + ":8: warning: duplicate key \"conditions\": the last one wins, as the API server reads it\n",
                run.err());
    }

    @Test
    void unreadableInputExitsTwo() throws Exception {
        assertEquals(2, CliRun.of("health", "-f", tmp.resolve("missing.yaml").toString()).exitCode());
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "kind: [unclosed\n");
        CliRun run = CliRun.of("health", "-f", bad.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith(bad + ":"), run.err());
        Files.writeString(bad, "just: data\n");
        assertEquals(2, CliRun.of("health", "-f", bad.toString()).exitCode());
        assertTrue(run.hasNoStackTrace());
    }
}
