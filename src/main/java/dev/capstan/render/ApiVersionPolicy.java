package dev.capstan.render;

import java.util.Optional;

/**
 * Decides whether an object's apiVersion can be applied. Offline the answer comes from a
 * target Kubernetes version; against a cluster, from what its discovery serves, because
 * a cluster is the only authority on what it still serves.
 */
public interface ApiVersionPolicy {

    /** An error or warning message for this apiVersion and kind, or empty when it is fine. */
    Optional<Verdict> judge(String apiVersion, String kind);

    record Verdict(Severity severity, String message) {
    }

    /** Judges against a target release using the built-in table. */
    static ApiVersionPolicy offline(KubeVersion target) {
        return new OfflineApiPolicy(RemovedApis.builtIn(), target);
    }
}
