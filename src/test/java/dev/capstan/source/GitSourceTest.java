package dev.capstan.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.render.FileTree;
import dev.capstan.testkit.GitDaemonServer;
import dev.capstan.testkit.GitHttpServer;
import dev.capstan.testkit.GitRemote;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GitSource against real repositories served on 127.0.0.1 (JGit's daemon, git http-backend) and file://. */
class GitSourceTest {

    @TempDir
    Path tmp;

    private GitRemote remote;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void createRemote() {
        remote = GitRemote.create(tmp.resolve("origin"));
        closeables.add(remote);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private GitSource source(String url, String ref) throws GitSourceException {
        return source(url, ref, GitCredentials.none(), new ArrayList<>());
    }

    private GitSource source(String url, String ref, GitCredentials creds, List<String> requests) throws GitSourceException {
        GitSource s = new GitSource(url, ref, creds, tmp.resolve("cache"), 10,
                (op, ok, nanos) -> requests.add(op + ":" + (ok ? "ok" : "error")));
        closeables.add(s);
        return s;
    }

    private static String read(FileTree tree, String path) throws Exception {
        return new String(tree.read(path), StandardCharsets.UTF_8);
    }

    @Test
    void resolvesBranchAnnotatedTagAndFullSha() throws Exception {
        String c1 = remote.commit("first", Map.of("app/cm.yaml", "v: 1\n"));
        remote.tag("v1.0.0");
        String c2 = remote.commit("second", Map.of("app/cm.yaml", "v: 2\n"));

        assertEquals(c2, source(remote.fileUrl(), "main").resolve().sha());
        assertEquals(c1, source(remote.fileUrl(), "v1.0.0").resolve().sha(), "an annotated tag resolves to its commit");
        assertEquals(c1, source(remote.fileUrl(), "refs/tags/v1.0.0").resolve().sha());
        Snapshot pinned = source(remote.fileUrl(), c1).sync();
        assertEquals("v: 1\n", read(pinned, "app/cm.yaml"));
        assertEquals("first", pinned.revision().subject());
        Snapshot tagged = source(remote.fileUrl(), "v1.0.0").sync();
        assertEquals("v: 1\n", read(tagged, "app/cm.yaml"));
    }

    @Test
    void unknownRefSaysWhichRefsExist() throws Exception {
        remote.commit("first", Map.of("a.yaml", "a: 1\n"));
        GitSourceException e = assertThrows(GitSourceException.class, () -> source(remote.fileUrl(), "mian").sync());
        assertTrue(e.getMessage().contains("ref \"mian\" not found"), e.getMessage());
        assertTrue(e.getMessage().contains("branches: main"), e.getMessage());
        assertTrue(e.getMessage().contains("repo.ref"), e.getMessage());
    }

    @Test
    void detectsNewCommitsAndFetchesOnlyWhenTheShaChanged() throws Exception {
        remote.commit("first", Map.of("app/cm.yaml", "v: 1\n"));
        try (GitDaemonServer daemon = new GitDaemonServer(remote.bareDir())) {
            List<String> requests = new ArrayList<>();
            GitSource source = source(daemon.url(), "main", GitCredentials.none(), requests);

            Snapshot s1 = source.sync();
            assertEquals("v: 1\n", read(s1, "app/cm.yaml"));
            assertEquals(List.of("ls-remote:ok", "fetch:ok"), requests);

            for (int i = 0; i < 5; i++) {
                assertSame(s1, source.sync(), "unchanged SHA: same snapshot");
            }
            assertEquals(6, source.lsRemoteCount());
            assertEquals(1, source.fetchCount(), "no fetch while the SHA is unchanged");
            assertEquals(7, daemon.uploadPackSessions(), "server saw 6 ls-remotes + 1 fetch");

            String c2 = remote.commit("second", Map.of("app/cm.yaml", "v: 2\n"));
            Snapshot s2 = source.sync();
            assertEquals(c2, s2.revision().sha());
            assertEquals("second", s2.revision().subject());
            assertEquals("v: 2\n", read(s2, "app/cm.yaml"));
            assertEquals(2, source.fetchCount());
        }
    }

    @Test
    void fetchIsShallowWhereTheServerAllowsIt() throws Exception {
        for (int i = 0; i < 5; i++) {
            remote.commit("commit " + i, Map.of("f.yaml", "i: " + i + "\n"));
        }
        try (GitDaemonServer daemon = new GitDaemonServer(remote.bareDir())) {
            source(daemon.url(), "main").sync();
        }
        try (var caches = Files.list(tmp.resolve("cache"))) {
            Path gitDir = caches.findFirst().orElseThrow();
            assertTrue(Files.exists(gitDir.resolve("shallow")), "depth-1 fetch leaves a shallow file");
            assertFalse(Files.exists(gitDir.resolve("index")), "bare cache: nothing checked out");
        }
    }

    @Test
    void followsAForcePush() throws Exception {
        String c1 = remote.commit("first", Map.of("app/cm.yaml", "v: 1\n"));
        remote.commit("second", Map.of("app/cm.yaml", "v: 2\n"));
        try (GitDaemonServer daemon = new GitDaemonServer(remote.bareDir())) {
            GitSource source = source(daemon.url(), "main");
            assertEquals("v: 2\n", read(source.sync(), "app/cm.yaml"));

            remote.resetHardAndForcePush(c1);
            String rewritten = remote.commit("rewritten", Map.of("app/cm.yaml", "v: 3\n"));
            Snapshot s = source.sync();
            assertEquals(rewritten, s.revision().sha());
            assertEquals("v: 3\n", read(s, "app/cm.yaml"));

            remote.resetHardAndForcePush(c1);
            assertEquals(c1, source.sync().revision().sha(), "back to an older commit");
        }
    }

    @Test
    void tellsAPushForwardFromARewrittenHistoryThroughShallowFetches() throws Exception {
        String c1 = remote.commit("first", Map.of("app/cm.yaml", "v: 1\n"));
        try (GitDaemonServer daemon = new GitDaemonServer(remote.bareDir())) {
            List<String> requests = new ArrayList<>();
            GitSource source = source(daemon.url(), "main", GitCredentials.none(), requests);
            assertEquals(c1, source.sync().revision().sha());
            String c2 = remote.commit("second", Map.of("app/cm.yaml", "v: 2\n"));
            source.sync();
            requests.clear();
            assertEquals(Optional.of(true), source.descendsFrom(c2, c1), "one commit on top: its own parent says so");
            assertEquals(List.of(), requests, "no request needed");

            for (int i = 3; i <= 8; i++) {
                remote.commit("commit " + i, Map.of("app/cm.yaml", "v: " + i + "\n"));
            }
            String c8 = source.sync().revision().sha();
            assertEquals(Optional.of(true), source.descendsFrom(c8, c2), "six commits pushed at once: history deepened once");

            remote.resetHardAndForcePush(c1);
            String older = source.sync().revision().sha();
            assertEquals(c1, older);
            assertEquals(Optional.of(false), source.descendsFrom(older, c8), "force-pushed back to an older commit");
            String rewritten = remote.commit("rewritten", Map.of("app/cm.yaml", "v: 9\n"));
            source.sync();
            assertEquals(Optional.of(false), source.descendsFrom(rewritten, c8), "a new commit on the rewritten branch");
            assertEquals(Optional.of(true), source.descendsFrom(rewritten, c1));
        }
    }

    @Test
    void deletedBranchFailsClearlyAndKeepsTheLastGoodSnapshot() throws Exception {
        remote.commit("first", Map.of("a.yaml", "a: 1\n"));
        remote.checkoutNewBranch("feature");
        remote.commit("on feature", Map.of("a.yaml", "a: 2\n"));
        remote.checkout("main");
        try (GitDaemonServer daemon = new GitDaemonServer(remote.bareDir())) {
            GitSource source = source(daemon.url(), "feature");
            Snapshot good = source.sync();

            remote.deleteRemoteBranch("feature");
            GitSourceException e = assertThrows(GitSourceException.class, source::sync);
            assertTrue(e.getMessage().contains("ref \"feature\" not found"), e.getMessage());
            assertSame(good, source.lastGood().orElseThrow());
            assertEquals("a: 2\n", read(source.lastGood().orElseThrow(), "a.yaml"));
        }
    }

    @Test
    void unreachableRemoteFailsClearlyAndKeepsTheLastGoodSnapshot() throws Exception {
        remote.commit("first", Map.of("a.yaml", "a: 1\n"));
        GitDaemonServer daemon = new GitDaemonServer(remote.bareDir());
        List<String> requests = new ArrayList<>();
        GitSource source = source(daemon.url(), "main", GitCredentials.none(), requests);
        Snapshot good = source.sync();
        daemon.close();

        GitSourceException e = assertThrows(GitSourceException.class, source::sync);
        assertTrue(e.getMessage().startsWith("git ls-remote " + daemon.url() + " failed"), e.getMessage());
        assertTrue(e.getMessage().contains("check repo.url"), e.getMessage());
        assertSame(good, source.lastGood().orElseThrow());
        assertEquals("ls-remote:error", requests.get(requests.size() - 1));
    }

    @Test
    void httpsStyleTokenAuthWorksAndTheTokenNeverShows() throws Exception {
        remote.commit("first", Map.of("app/cm.yaml", "v: 1\n"));
        String token = "s3cr3t-token-value";
        try (GitHttpServer http = new GitHttpServer(remote.bareDir(), token)) {
            GitSourceException denied = assertThrows(GitSourceException.class, () -> source(http.url(), "main").sync());
            assertTrue(denied.getMessage().contains("check repo.auth"), denied.getMessage());

            Path tokenFile = tmp.resolve("token");
            Files.writeString(tokenFile, token + "\n");
            GitSource fromFile = source(http.url(), "main", GitCredentials.of("x-access-token", tokenFile.toString(), null, Map.of()),
                    new ArrayList<>());
            assertEquals("v: 1\n", read(fromFile.sync(), "app/cm.yaml"));

            GitSource fromEnv = source(http.url(), "main",
                    GitCredentials.of(null, null, "GIT_TOKEN", Map.of("GIT_TOKEN", token)), new ArrayList<>());
            assertEquals("v: 1\n", read(fromEnv.sync(), "app/cm.yaml"));
            assertFalse(fromEnv.toString().contains(token));

            GitSource wrong = source(http.url(), "main",
                    GitCredentials.of(null, null, "GIT_TOKEN", Map.of("GIT_TOKEN", "wrong-" + token)), new ArrayList<>());
            GitSourceException e = assertThrows(GitSourceException.class, wrong::sync);
            assertFalse(e.getMessage().contains(token), e.getMessage());

            String withUserInfo = http.url().replace("http://", "http://user:" + token + "@");
            GitSourceException leaked = assertThrows(GitSourceException.class,
                    () -> source(withUserInfo, "nope").sync());
            assertFalse(leaked.getMessage().contains(token), leaked.getMessage());
            assertTrue(http.refused() > 0);
        }
    }

    @Test
    void snapshotListsFilesAndSymlinksFromTheCommitTree() throws Exception {
        remote.link("app/outside.yaml", "../../etc/passwd");
        remote.commit("files", Map.of("app/a.yaml", "a: 1\n", "app/sub/b.yml", "b: 1\n", "other/c.yaml", "c: 1\n"));
        Snapshot s = source(remote.fileUrl(), "main").sync();
        List<FileTree.TreeEntry> entries = s.walk("app");
        assertEquals(List.of("app/a.yaml", "app/outside.yaml", "app/sub/b.yml"),
                entries.stream().map(FileTree.TreeEntry::path).toList());
        FileTree.TreeEntry link = entries.get(1);
        assertEquals(FileTree.TreeEntry.Type.SYMLINK, link.type());
        assertEquals("../../etc/passwd", link.linkTarget());
        assertThrows(java.io.FileNotFoundException.class, () -> s.walk("missing"));
    }
}
