package dev.capstan.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.testkit.GitRemote;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.junit.ssh.SshTestGitServer;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ssh:// repositories: key authentication and strict host key checking against JGit's SSH test server on 127.0.0.1. */
class GitSourceSshTest {

    @TempDir
    Path tmp;

    private GitRemote remote;
    private Repository served;
    private SshTestGitServer server;
    private int port;

    @BeforeEach
    void startServer() throws Exception {
        remote = GitRemote.create(tmp.resolve("origin"));
        remote.commit("first", Map.of("app/cm.yaml", "v: 1\n"));
        keygen("user");
        keygen("host");
        keygen("impostor");
        served = new FileRepositoryBuilder().setGitDir(remote.bareDir().toFile()).setMustExist(true).build();
        server = new SshTestGitServer("git", tmp.resolve("user.pub"), served, Files.readAllBytes(tmp.resolve("host")));
        port = server.start();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.stop();
        served.close();
        remote.close();
    }

    private void keygen(String name) throws Exception {
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-m", "PEM", "-N", "",
                "-C", name, "-f", tmp.resolve(name).toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }

    private Path knownHosts(String keyName) throws Exception {
        String pub = Files.readString(tmp.resolve(keyName + ".pub")).trim();
        Path file = tmp.resolve("known_hosts_" + keyName);
        Files.writeString(file, "[127.0.0.1]:" + port + " " + pub + "\n");
        return file;
    }

    private GitSource source(Path knownHosts) throws Exception {
        GitCredentials creds = GitCredentials.none().withSsh(tmp.resolve("user").toString(), knownHosts.toString());
        return new GitSource("ssh://git@127.0.0.1:" + port + "/repo.git", "main", creds, tmp.resolve("cache"), 10,
                GitRequestListener.NONE);
    }

    @Test
    void fetchesOverSshWithAKeyAndAKnownHost() throws Exception {
        try (GitSource source = source(knownHosts("host"))) {
            Snapshot s = source.sync();
            assertEquals("v: 1\n", new String(s.read("app/cm.yaml"), StandardCharsets.UTF_8));
            assertEquals(List.of("app/cm.yaml"), s.walk("app").stream().map(e -> e.path()).toList());
        }
    }

    @Test
    void refusesAServerWhoseHostKeyIsNotTheKnownOne() throws Exception {
        try (GitSource source = source(knownHosts("impostor"))) {
            GitSourceException e = assertThrows(GitSourceException.class, source::sync);
            assertTrue(e.getMessage().startsWith("git ls-remote ssh://127.0.0.1:" + port + "/repo.git failed"), e.getMessage());
        }
    }
}
