package dev.capstan.render;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The last renders, least recently used dropped first, with counts of renders done and
 * renders saved (exported as metrics, and what the benchmark reads).
 */
public final class RenderCache {

    /** A render's inputs: the commit's files, the path in it, and everything else it depends on. */
    public record Key(String commit, String path, RenderRequest request) {
    }

    /** A render's output, or the failure the files caused. */
    public record Result(RawRender raw, RenderException failure) {
        RawRender rawOrThrow() throws RenderException {
            if (failure != null) {
                throw failure;
            }
            return raw;
        }
    }

    private final int capacity;
    private final Map<Key, Result> entries;
    private final Map<RenderKind, Long> renders = new EnumMap<>(RenderKind.class);
    private long hits;

    public RenderCache(int capacity) {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true);
    }

    synchronized Optional<Result> get(Key key) {
        Result r = entries.get(key);
        if (r != null) {
            hits++;
        }
        return Optional.ofNullable(r);
    }

    synchronized void put(Key key, Result render) {
        entries.put(key, render);
        while (entries.size() > capacity) {
            entries.remove(entries.keySet().iterator().next());
        }
    }

    synchronized void rendered(RenderKind kind) {
        renders.merge(kind, 1L, Long::sum);
    }

    /** Renders actually done (not answered from the cache) of one kind. */
    public synchronized long renders(RenderKind kind) {
        return renders.getOrDefault(kind, 0L);
    }

    public synchronized long hits() {
        return hits;
    }
}
