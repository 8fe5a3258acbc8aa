package dev.capstan.render;

/**
 * What a cluster serves, as rendering needs to know it: which apiVersion/kind pairs
 * exist (to judge removed APIs by the cluster rather than by a release number) and which
 * kinds are namespaced. The cluster's discovery implements it; rendering never calls the
 * API server itself.
 */
public interface ServedApis extends KindScopes {

    boolean serves(String apiVersion, String kind);

    /** The cluster's version (v1.37.2), when known. */
    default java.util.Optional<String> kubeVersion() {
        return java.util.Optional.empty();
    }
}
