package dev.capstan.render;

import java.util.List;

/**
 * What a renderer produced, before validation: validation depends on what the cluster
 * serves at the time, the render only on the commit and the options, so only this part
 * is cached.
 */
public record RawRender(RenderKind kind, List<RawObject> objects, List<Problem> warnings) {

    public RawRender {
        objects = List.copyOf(objects);
        warnings = List.copyOf(warnings);
    }
}
