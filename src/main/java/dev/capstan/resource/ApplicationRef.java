package dev.capstan.resource;

/**
 * Which Application resource an app came from, at which spec generation: what status,
 * Events and the finalizer are written to.
 */
public record ApplicationRef(String namespace, String name, String uid, long generation) {

    @Override
    public String toString() {
        return "Application " + namespace + "/" + name;
    }
}
