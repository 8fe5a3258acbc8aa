package dev.capstan.engine;

import dev.capstan.plan.DesiredObject;
import dev.capstan.render.RenderKind;
import java.util.List;

/**
 * What Git wants at one commit, ready to plan: the objects in apply order, with the
 * renderer's warnings (deprecated APIs) for the log, and which renderer made them.
 */
public record DesiredState(List<DesiredObject> objects, List<String> warnings, RenderKind renderer) {

    public DesiredState(List<DesiredObject> objects, List<String> warnings) {
        this(objects, warnings, RenderKind.PLAIN);
    }

    public DesiredState {
        objects = List.copyOf(objects);
        warnings = List.copyOf(warnings);
    }
}
