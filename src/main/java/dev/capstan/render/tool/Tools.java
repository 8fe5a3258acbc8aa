package dev.capstan.render.tool;

import dev.capstan.render.PlainRenderer;
import dev.capstan.render.RenderCache;
import dev.capstan.render.RenderKind;
import dev.capstan.render.RenderOptions;
import dev.capstan.render.Renderers;
import dev.capstan.render.ToolSettings;
import java.util.Map;

/** Every renderer, wired: the one place the agent and the CLI get them from. */
public final class Tools {

    /** Renders kept: enough for every application of a large agent to resync from the cache. */
    public static final int CACHE_ENTRIES = 512;

    private Tools() {
    }

    public static Renderers renderers(RenderOptions options, ToolSettings settings, Map<String, String> env) {
        return new Renderers(Map.of(
                RenderKind.PLAIN, new PlainRenderer(options),
                RenderKind.KUSTOMIZE, new KustomizeRenderer(settings, env),
                RenderKind.HELM, new HelmRenderer(settings)), new RenderCache(CACHE_ENTRIES));
    }
}
