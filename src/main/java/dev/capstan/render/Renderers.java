package dev.capstan.render;

import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Picks the renderer for an application path and remembers its output per (commit, path,
 * request): a resync of an unchanged commit renders nothing (no subprocess, no Helm call,
 * no re-read of Git objects), while validation, which depends on what the cluster serves
 * now, runs every time on the cached objects. A render that failed on the files is
 * remembered too; one that failed for a passing reason (a timeout, I/O) is not.
 */
public final class Renderers {

    private final Map<RenderKind, Renderer> byKind;
    private final RenderCache cache;

    public Renderers(Map<RenderKind, Renderer> byKind, RenderCache cache) {
        this.byKind = new EnumMap<>(byKind);
        this.cache = cache;
    }

    /** Plain manifests only: for tests and tools that never meet a chart or a kustomization. */
    public static Renderers plainOnly(RenderOptions options) {
        return new Renderers(Map.of(RenderKind.PLAIN, new PlainRenderer(options)), new RenderCache(16));
    }

    public RawRender render(FileTree tree, String appPath, RenderRequest request) throws RenderException {
        String path = PlainRenderer.normalizeDir(appPath);
        Optional<RenderCache.Key> key = tree.commit().map(sha -> new RenderCache.Key(sha, path, request));
        if (key.isPresent()) {
            Optional<RenderCache.Result> cached = cache.get(key.get());
            if (cached.isPresent()) {
                return cached.get().rawOrThrow();
            }
        }
        RenderKind kind;
        try {
            kind = RenderKind.detect(tree, path); // the commit and path decide it: only on a cache miss
        } catch (IOException e) {
            throw RenderException.transientFailure(Problem.error(path.isEmpty() ? "." : path, 0, "",
                    "cannot read " + tree.describe() + ": " + e.getMessage()));
        }
        Renderer renderer = byKind.get(kind);
        if (renderer == null) {
            throw new RenderException(List.of(Problem.error(path.isEmpty() ? "." : path, 0, "",
                    "is a " + kind.label() + " application, which this command does not render")));
        }
        cache.rendered(kind);
        RawRender raw;
        try {
            raw = renderer.render(tree, path, request);
        } catch (RenderException e) {
            // the same files fail the same way: a broken commit is not rendered again every interval
            if (!e.isTransient()) {
                key.ifPresent(k -> cache.put(k, new RenderCache.Result(null, e)));
            }
            throw e;
        }
        key.ifPresent(k -> cache.put(k, new RenderCache.Result(raw, null)));
        return raw;
    }

    public RenderCache cache() {
        return cache;
    }
}
