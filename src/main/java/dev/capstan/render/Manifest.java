package dev.capstan.render;

import dev.capstan.plan.ObjectRef;
import java.util.Map;

/**
 * One desired object as written in Git, with where it came from.
 *
 * @param ref identity; the namespace is the object's own or, for namespaced kinds, the default one
 * @param object the object exactly as parsed (render never rewrites what the user wrote)
 */
public record Manifest(ObjectRef ref, String apiVersion, Map<String, Object> object, String file, int line) {

    /** {@code Kind/ns/name (file:line)}, for messages. */
    public String origin() {
        return ref + " (" + file + (line > 0 ? ":" + line : "") + ")";
    }
}
