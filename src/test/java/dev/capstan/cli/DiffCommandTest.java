package dev.capstan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code capstan diff --desired --live}, offline: exit 0 in sync, 1 drift (masked), 2 bad input. */
class DiffCommandTest {

    @TempDir
    Path tmp;

    private Path file(String name, String yaml) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, yaml);
        return p;
    }

    @Test
    void inSyncAfterNormalizationExitsZero() throws Exception {
        Path desired = file("d.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {password: hunter2}\n");
        Path live = file("l.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: s, uid: x}\ntype: Opaque\ndata: {password: aHVudGVyMg==}\n");
        CliRun run = CliRun.of("diff", "--desired", desired.toString(), "--live", live.toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertEquals("", run.out());
    }

    @Test
    void aSecretDriftShowsThatTheValueChangedButNeverTheValue() throws Exception {
        Path desired = file("d.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {password: hunter2, user: admin}\n");
        Path live = file("l.yaml", """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: s
                  annotations: {kubectl.kubernetes.io/last-applied-configuration: '{"stringData":{"password":"hunter3"}}'}
                data: {password: aHVudGVyMw==, user: YWRtaW4=}
                """);
        CliRun run = CliRun.of("diff", "--desired", desired.toString(), "--live", live.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.out().startsWith("~ drifted Secret/s: /data/password\n"), run.out());
        assertTrue(run.out().contains("-  password: ++++++++++\n+  password: ++++++++\n"), run.out());
        assertTrue(run.out().contains("   user: +++++++++\n"), "an unchanged value is masked the same on both sides: " + run.out());
        for (String secret : new String[] {"hunter", "aHVudGVy", "YWRtaW4", "admin"}) {
            assertFalse(run.out().contains(secret), secret + " leaked: " + run.out());
        }
    }

    @Test
    void aScaledDeploymentShowsTheField() throws Exception {
        Path desired = file("d.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n");
        Path live = file("l.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 5, paused: false}\n");
        CliRun run = CliRun.of("diff", "--desired", desired.toString(), "--live", live.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.out().contains("-  replicas: 5\n+  replicas: 3\n"), run.out());
    }

    @Test
    void badInputExitsTwo() throws Exception {
        Path ok = file("ok.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
        assertEquals(2, CliRun.of("diff", "--desired", ok.toString(), "--live", tmp.resolve("nope.yaml").toString()).exitCode());
        assertEquals(2, CliRun.of("diff", "--desired", ok.toString()).exitCode());
        Path bad = file("bad.yaml", "kind: [\n");
        CliRun run = CliRun.of("diff", "--desired", bad.toString(), "--live", ok.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith(bad.toString()), run.err());
        assertTrue(run.hasNoStackTrace());
    }
}
