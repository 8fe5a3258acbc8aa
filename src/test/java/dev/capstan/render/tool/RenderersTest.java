package dev.capstan.render.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capstan.render.HelmOptions;
import dev.capstan.render.RawRender;
import dev.capstan.render.RenderKind;
import dev.capstan.render.RenderOptions;
import dev.capstan.render.RenderRequest;
import dev.capstan.render.Renderers;
import dev.capstan.render.ToolSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which renderer a path gets, and the render cache: one render per (commit, path, request). */
class RenderersTest {

    @TempDir
    Path tmp;

    private static final RenderRequest REQUEST = new RenderRequest("shop", "shop", HelmOptions.NONE, "v1.37.2");

    private TestRepo repo() {
        TestRepo repo = new TestRepo(tmp.resolve("repo"));
        KustomizeRendererTest.baseAndOverlays(repo, "blue");
        HelmRendererTest.webChart(repo, "charts/web");
        return repo.file("plain/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain}\n")
                .file("plain/Kustomization-notes.md", "not a kustomization\n");
    }

    private static Renderers renderers() {
        return Tools.renderers(RenderOptions.defaults(), ToolSettings.defaults(), System.getenv());
    }

    @Test
    void thePathDecidesTheRenderer() throws Exception {
        TestRepo repo = repo();
        Renderers r = renderers();
        assertEquals(RenderKind.KUSTOMIZE, r.render(repo.tree(), "overlays/prod", REQUEST).kind());
        assertEquals(RenderKind.KUSTOMIZE, r.render(repo.tree(), "./base/", REQUEST).kind());
        assertEquals(RenderKind.HELM, r.render(repo.tree(), "charts/web", REQUEST).kind());
        assertEquals(RenderKind.PLAIN, r.render(repo.tree(), "plain", REQUEST).kind());
    }

    @Test
    void anUnchangedCommitRendersOnceAndAnyChangedInputRendersAgain() throws Exception {
        TestRepo repo = repo();
        Renderers r = renderers();
        RawRender first = r.render(repo.commit("aaa"), "overlays/prod", REQUEST);
        for (int i = 0; i < 5; i++) {
            assertEquals(first, r.render(repo.commit("aaa"), "overlays/prod", REQUEST));
        }
        assertEquals(1, r.cache().renders(RenderKind.KUSTOMIZE));
        assertEquals(5, r.cache().hits());
        r.render(repo.commit("bbb"), "overlays/prod", REQUEST);
        r.render(repo.commit("bbb"), "overlays/prod", new RenderRequest("shop", "other", HelmOptions.NONE, "v1.37.2"));
        r.render(repo.commit("bbb"), "charts/web", REQUEST);
        r.render(repo.commit("bbb"), "charts/web", new RenderRequest("shop", "shop",
                new HelmOptions("", List.of(), Map.of("replicas", 2), List.of()), "v1.37.2"));
        r.render(repo.commit("bbb"), "charts/web", REQUEST);
        assertEquals(3, r.cache().renders(RenderKind.KUSTOMIZE));
        assertEquals(2, r.cache().renders(RenderKind.HELM));
        assertEquals(6, r.cache().hits());
    }

    @Test
    void aWorkingDirectoryIsNeverCached() throws Exception {
        TestRepo repo = repo();
        Renderers r = renderers();
        r.render(repo.tree(), "plain", REQUEST);
        r.render(repo.tree(), "plain", REQUEST);
        assertEquals(2, r.cache().renders(RenderKind.PLAIN));
        assertEquals(0, r.cache().hits());
    }

    @Test
    void aFailureOfTheFilesIsRememberedAPassingOneIsNot() throws Exception {
        TestRepo repo = repo().file("broken/kustomization.yaml", "resources: [missing.yaml]\n");
        Renderers r = renderers();
        for (int i = 0; i < 3; i++) {
            org.junit.jupiter.api.Assertions.assertThrows(dev.capstan.render.RenderException.class,
                    () -> r.render(repo.commit("ddd"), "broken", REQUEST));
        }
        assertEquals(1, r.cache().renders(RenderKind.KUSTOMIZE), "a broken commit is not rendered again");

        java.nio.file.Path slow = tmp.resolve("slow-kustomize");
        java.nio.file.Files.writeString(slow, "#!/bin/sh\nsleep 30\n");
        slow.toFile().setExecutable(true);
        Renderers timingOut = Tools.renderers(RenderOptions.defaults(), ToolSettings.defaults()
                .withKustomizeCommand(List.of(slow.toString())).withTimeout(java.time.Duration.ofSeconds(1)), System.getenv());
        for (int i = 0; i < 2; i++) {
            dev.capstan.render.RenderException e = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.capstan.render.RenderException.class, () -> timingOut.render(repo.commit("ddd"), "overlays/prod", REQUEST));
            org.junit.jupiter.api.Assertions.assertTrue(e.isTransient());
        }
        assertEquals(2, timingOut.cache().renders(RenderKind.KUSTOMIZE), "a timeout may pass: tried again");
    }
}
