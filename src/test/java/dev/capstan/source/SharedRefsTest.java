package dev.capstan.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.capstan.testkit.GitRemote;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.lib.Ref;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One ls-remote per repository and interval, and one object store, whatever the number of apps following it. */
class SharedRefsTest {

    @TempDir
    Path tmp;

    @Test
    void appsOfOneRepositoryShareOneLsRemotePerIntervalAndAFreshSyncAsksAgain() throws Exception {
        try (GitRemote remote = GitRemote.create(tmp.resolve("origin"))) {
            remote.commit("one", Map.of("a/cm.yaml", "x: 1\n", "b/cm.yaml", "x: 1\n"));
            SharedRefs shared = new SharedRefs();
            SharedStores stores = new SharedStores();
            List<GitSource> sources = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                sources.add(new GitSource(remote.fileUrl(), "main", GitCredentials.none(), tmp.resolve("cache" + i), 30,
                        (op, ok, nanos) -> { }, shared, Duration.ofMinutes(1), stores, tmp.resolve("repos")));
            }
            for (GitSource s : sources) {
                s.sync();
            }
            assertEquals(1, sources.stream().mapToLong(GitSource::lsRemoteCount).sum(), "five apps, one ls-remote");
            assertEquals(1, sources.stream().mapToLong(GitSource::fetchCount).sum(), "and one fetch into their one store");

            String second = remote.commit("two", Map.of("a/cm.yaml", "x: 2\n"));
            assertEquals(1, sources.stream().mapToLong(GitSource::lsRemoteCount).sum());
            assertEquals(second, sources.get(0).sync(System.nanoTime()).revision().sha(), "a push or a manual sync asks Git now");
            assertEquals(second, sources.get(3).sync().revision().sha(), "and the others see the new commit from its answer");
            assertEquals(2, sources.stream().mapToLong(GitSource::lsRemoteCount).sum());
            assertEquals(2, sources.stream().mapToLong(GitSource::fetchCount).sum(), "a push is fetched once for all");
            sources.get(0).close();
            assertEquals(second, sources.get(1).sync().revision().sha(), "the store stays open while an app uses it");

            // different credentials never share an answer
            GitSource other = new GitSource(remote.fileUrl(), "main", GitCredentials.of("u", null, "TOKEN", Map.of("TOKEN", "t")),
                    tmp.resolve("cache-other"), 30, (op, ok, nanos) -> { }, shared, Duration.ofMinutes(1), stores, tmp.resolve("repos"));
            other.sync();
            assertEquals(1, other.lsRemoteCount());
            assertEquals(1, other.fetchCount(), "nor a store: a pinned SHA must not be served from another's fetch");
            sources.subList(1, sources.size()).forEach(GitSource::close);
            other.close();
        }
    }

    @Test
    void anAnswerIsReusedUntilItsMaxAgeAndAFailureOnlyBriefly() throws Exception {
        SharedRefs shared = new SharedRefs();
        AtomicInteger asked = new AtomicInteger();
        Collection<Ref> refs = List.of();
        SharedRefs.Request ok = () -> {
            asked.incrementAndGet();
            return refs;
        };
        assertSame(refs, shared.refs("k", Duration.ofHours(1), 0, ok));
        shared.refs("k", Duration.ofHours(1), 0, ok);
        assertEquals(1, asked.get());
        shared.refs("k", Duration.ZERO, 0, ok);
        assertEquals(2, asked.get(), "older than maxAge: asked again");
        long push = System.nanoTime();
        shared.refs("k", Duration.ofHours(1), push, ok);
        shared.refs("k", Duration.ofHours(1), push, ok);
        assertEquals(3, asked.get(), "the apps one push triggers share the one request sent after it");

        SharedRefs.Request down = () -> {
            asked.incrementAndGet();
            throw new GitSourceException("connection refused");
        };
        assertThrows(GitSourceException.class, () -> shared.refs("down", Duration.ofHours(1), 0, down));
        assertThrows(GitSourceException.class, () -> shared.refs("down", Duration.ofHours(1), 0, down));
        assertEquals(4, asked.get(), "a failure is shared with the apps asking right after");
        assertEquals(Duration.ofSeconds(4), SharedRefs.FAILURE_MAX_AGE, "and kept only seconds, not for the hour");
    }
}
