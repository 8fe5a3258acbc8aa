package dev.capstan.engine;

import dev.capstan.plan.DesiredObject;
import java.util.List;

/**
 * What Git wants at one commit, ready to plan: the objects in apply order, with the
 * renderer's warnings (deprecated APIs) for the log.
 */
public record DesiredState(List<DesiredObject> objects, List<String> warnings) {

    public DesiredState {
        objects = List.copyOf(objects);
        warnings = List.copyOf(warnings);
    }
}
