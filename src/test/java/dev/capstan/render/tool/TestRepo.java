package dev.capstan.render.tool;

import dev.capstan.render.FileTree;
import dev.capstan.render.Manifest;
import dev.capstan.render.ManifestSet;
import dev.capstan.render.PlainRenderer;
import dev.capstan.render.RenderException;
import dev.capstan.render.RenderOptions;
import dev.capstan.render.RenderRequest;
import dev.capstan.render.Renderer;
import dev.capstan.source.LocalDirectoryTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A repository's files on disk, written by a test, read as a {@link FileTree} (optionally as one commit). */
final class TestRepo {

    final Path root;

    TestRepo(Path root) {
        this.root = root;
    }

    TestRepo file(String path, String text) {
        try {
            Path f = root.resolve(path);
            Files.createDirectories(f.getParent());
            Files.writeString(f, text, StandardCharsets.UTF_8);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    TestRepo link(String path, String target) {
        try {
            Path f = root.resolve(path);
            Files.createDirectories(f.getParent());
            Files.createSymbolicLink(f, Path.of(target));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    FileTree tree() {
        return new LocalDirectoryTree(root);
    }

    /** The files as if they were commit {@code sha}: renders of it may be cached. */
    FileTree commit(String sha) {
        return dev.capstan.testkit.CommitTree.of(tree(), sha);
    }

    static ManifestSet render(Renderer renderer, FileTree tree, String path, RenderRequest request) throws RenderException {
        return PlainRenderer.validate(renderer.render(tree, path, request), RenderOptions.defaults().withDefaultNamespace(request.namespace()));
    }

    /** Kind/name -> object. */
    static Map<String, Map<String, Object>> byName(ManifestSet set) {
        Map<String, Map<String, Object>> out = new java.util.TreeMap<>();
        for (Manifest m : set.manifests()) {
            out.put(m.ref().kind() + "/" + m.ref().name(), m.object());
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Object at(Map<String, Object> object, String... path) {
        Object cur = object;
        for (String p : path) {
            if (cur instanceof List<?> list) {
                cur = list.get(Integer.parseInt(p));
            } else {
                cur = ((Map<String, Object>) cur).get(p);
            }
        }
        return cur;
    }
}
