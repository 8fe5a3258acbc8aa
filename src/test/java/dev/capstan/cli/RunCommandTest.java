package dev.capstan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code capstan run --config}: loads, validates and lists the applications. */
class RunCommandTest {

    @TempDir
    Path tmp;

    @Test
    void validConfigListsTheApplications() throws Exception {
        Path config = Path.of(RunCommandTest.class.getResource("/dev/capstan/config/documented-example.yaml").toURI());
        CliRun run = CliRun.of("run", "--check", "--config", config.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("guestbook: https://example.com/apps.git ref main path guestbook -> namespace guestbook, every 15s, prune"),
                run.out());
    }

    @Test
    void invalidConfigExitsTwoWithKeyPaths() throws Exception {
        Path config = tmp.resolve("capstan.yaml");
        Files.writeString(config, """
                applications:
                  - name: guestbook
                    repo: {urll: https://example.com/apps.git}
                    sync: {interval: 15x}
                """);
        CliRun run = CliRun.of("run", "--check", "--config", config.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains(config + ":3: applications[0].repo.urll: unknown key"), run.err());
        assertTrue(run.err().contains("applications[0].repo.url: required"), run.err());
        assertTrue(run.err().contains("applications[0].sync.interval: \"15x\" is not a duration"), run.err());
        assertTrue(run.hasNoStackTrace(), run.err());
    }

    @Test
    void missingConfigFileExitsTwo() {
        CliRun run = CliRun.of("run", "--check", "--config", tmp.resolve("nope.yaml").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("nope.yaml: cannot read config file"), run.err());
        assertTrue(run.hasNoStackTrace(), run.err());
    }
}
