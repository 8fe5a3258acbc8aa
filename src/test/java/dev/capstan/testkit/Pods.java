package dev.capstan.testkit;

import io.fabric8.kubernetes.api.model.Pod;

/** What tests ask of a pod the kubelet (real or simulated) reports on. */
public final class Pods {

    private Pods() {
    }

    /** Not being deleted, and its Ready condition True. */
    public static boolean ready(Pod p) {
        return p != null && p.getMetadata().getDeletionTimestamp() == null && p.getStatus() != null
                && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    }
}
