package dev.capstan.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.capstan.config.ApplicationSpec;
import dev.capstan.render.RenderOptions;
import dev.capstan.render.Renderers;
import dev.capstan.source.GitCredentials;
import dev.capstan.source.GitSource;
import dev.capstan.testkit.GitRemote;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A resync that cannot change the desired state does not compute it again. */
class DesiredStateBuilderTest {

    @TempDir
    Path tmp;

    private static ApplicationSpec app(String name, String path) {
        return new ApplicationSpec(name, new ApplicationSpec.Repo("file:///x", "main", path, null),
                new ApplicationSpec.Destination("shop"), new ApplicationSpec.Sync(Duration.ofMinutes(3), false, false,
                Duration.ofMinutes(5), false, false, List.of()));
    }

    @Test
    void aCommitThatLeavesAPlainAppsPathAloneReusesItsDesiredState() throws Exception {
        try (GitRemote remote = GitRemote.create(tmp.resolve("origin"))) {
            remote.commit("two apps", Map.of("a/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
                    "b/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n"));
            DesiredStateBuilder builder = new DesiredStateBuilder(RenderOptions.defaults(), Renderers.plainOnly(RenderOptions.defaults()),
                    "1.32.0", null);
            try (GitSource source = new GitSource(remote.fileUrl(), "main", GitCredentials.none(), tmp.resolve("cache"), 30,
                    (op, ok, nanos) -> { })) {
                DesiredState first = builder.render(app("a", "a"), source.sync());
                assertSame(first, builder.render(app("a", "a"), source.sync()), "same commit");

                remote.commit("only b", Map.of("b/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {k: v}\n"));
                assertSame(first, builder.render(app("a", "a"), source.sync()), "a new commit, but a/ is the same tree");

                remote.commit("a too", Map.of("a/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n"));
                DesiredState changed = builder.render(app("a", "a"), source.sync());
                assertNotSame(first, changed);
                assertEquals(Map.of("k", "v"), changed.objects().get(0).body().get("data"));
            }
        }
    }
}
