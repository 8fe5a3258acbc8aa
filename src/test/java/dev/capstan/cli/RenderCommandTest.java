package dev.capstan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.testkit.GitRemote;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code capstan render}: exit codes and messages as a user sees them. */
class RenderCommandTest {

    @TempDir
    Path tmp;

    static Path fixture(String relative) {
        try {
            return Path.of(RenderCommandTest.class.getResource("/dev/capstan/render/" + relative).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"python-web-app-extensions-v1beta1", "missing-fields", "invalid-names", "duplicate-objects",
            "invalid-yaml", "duplicate-keys", "billion-laughs", "not-an-object", "removed-apis", "errors-in-many-files", "kustomization", "nested-chart"})
    void badInputExitsTwoNamingTheFileWithoutAStackTrace(String name) throws Exception {
        Path dir = fixture("invalid/" + name);
        CliRun run = CliRun.of("render", dir.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("", run.out(), "nothing rendered when anything is invalid");
        String firstFile = Files.readAllLines(dir.resolve("expected-errors.txt")).get(0).split(":")[0];
        assertTrue(run.err().startsWith(firstFile), run.err());
        assertEquals(Files.readAllLines(dir.resolve("expected-errors.txt")).size(), run.err().lines().count(), run.err());
        assertTrue(run.hasNoStackTrace(), run.err());
    }

    @Test
    void rendersADirectoryToStdoutAndExitsZero() {
        CliRun run = CliRun.of("render", fixture("valid/apply-order").toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("---\napiVersion: v1\nkind: Namespace\n"), run.out());
        assertEquals("render: plain (" + fixture("valid/apply-order") + ")\n", run.err());
    }

    @Test
    void printsWarningsOnStderrAndStillRenders() throws Exception {
        Files.writeString(tmp.resolve("ing.yaml"), "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\n");
        CliRun run = CliRun.of("render", "--kube-version", "1.20", tmp.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("warning: apiVersion extensions/v1beta1 is deprecated and removed in Kubernetes 1.22"), run.err());
        assertTrue(run.out().contains("kind: Ingress"));
    }

    @Test
    void rendersFromAGitRepositoryAtARefAndPath() {
        try (GitRemote remote = GitRemote.create(tmp.resolve("origin"))) {
            remote.commit("v1", Map.of("apps/web/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata: {v: \"1\"}\n"));
            remote.tag("v1");
            remote.commit("v2", Map.of("apps/web/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata: {v: \"2\"}\n"));
            CliRun head = CliRun.of("render", "--repo", remote.fileUrl(), "--path", "apps/web");
            assertEquals(0, head.exitCode(), head.err());
            assertTrue(head.out().contains("v: '2'"), head.out());
            CliRun tagged = CliRun.of("render", "--repo", remote.fileUrl(), "--ref", "v1", "--path", "apps/web");
            assertTrue(tagged.out().contains("v: '1'"), tagged.out());
            CliRun wrongPath = CliRun.of("render", "--repo", remote.fileUrl(), "--path", "apps/nope");
            assertEquals(2, wrongPath.exitCode());
            assertTrue(wrongPath.err().startsWith("apps/nope: no such directory in "), wrongPath.err());
        }
    }

    @Test
    void unreachableRepositoryIsAOneLineError() {
        CliRun run = CliRun.of("render", "--repo", "git://127.0.0.1:1/nothing.git");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("error: git ls-remote git://127.0.0.1:1/nothing.git failed"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.hasNoStackTrace(), run.err());
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, CliRun.of("render").exitCode());
        assertEquals(2, CliRun.of("render", tmp.toString(), "--repo", "file:///x").exitCode());
        assertEquals(2, CliRun.of("render", "--no-such-flag", tmp.toString()).exitCode());
        CliRun badVersion = CliRun.of("render", "--kube-version", "latest", tmp.toString());
        assertEquals(2, badVersion.exitCode());
        assertTrue(badVersion.err().contains("\"latest\" is not a Kubernetes version; write it like 1.29"), badVersion.err());
        CliRun notADir = CliRun.of("render", tmp.resolve("missing").toString());
        assertEquals(2, notADir.exitCode());
        assertTrue(notADir.err().contains("missing: not a directory"), notADir.err());
    }

    @Test
    void versionAndHelpExitZero() {
        CliRun version = CliRun.of("--version");
        assertEquals(0, version.exitCode());
        assertTrue(version.out().startsWith("capstan "), version.out());
        CliRun help = CliRun.of("--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("render") && help.out().contains("run"), help.out());
    }
}
