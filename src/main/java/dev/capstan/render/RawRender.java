package dev.capstan.render;

import java.util.List;

/**
 * What a renderer produced, before validation: validation depends on what the cluster
 * serves at the time, the render only on the commit and the options, so only this part
 * is cached.
 *
 * @param problems what the render found: warnings, and for plain manifests also errors
 *     in single files, reported together with validation's so one push fixes them all
 */
public record RawRender(RenderKind kind, List<RawObject> objects, List<Problem> problems) {

    public RawRender {
        objects = List.copyOf(objects);
        problems = List.copyOf(problems);
    }
}
