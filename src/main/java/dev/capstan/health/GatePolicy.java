package dev.capstan.health;

import java.util.Map;

/**
 * Which objects a health gate waits for. A gate waits for what a rollout needs (workloads,
 * CRDs, Namespaces, claims, custom resources with conditions). An address handed out by a
 * controller outside the app (a LoadBalancer Service's ingress, an Ingress's address) is
 * only reported: on clusters without a load-balancer controller (kind, bare metal) it
 * never comes, and waiting for it would fail, or roll back, a healthy release. Annotation
 * {@value #ANNOTATION} overrides: {@code wait} makes the gate wait for the object anyway,
 * {@code ignore} leaves it out of the app's health entirely. Pure: judged on the manifest
 * from Git.
 */
public final class GatePolicy {

    public static final String ANNOTATION = "capstan.dev/health";

    /** What a health gate does with one object. */
    public enum Gate {
        /** The gate waits until it is Healthy; Degraded fails the sync. */
        WAIT,
        /** Shown in the app's health (Progressing with its reason), never holds or fails the sync. */
        REPORT,
        /** Not part of the app's health at all. */
        IGNORE
    }

    private GatePolicy() {
    }

    /** @param manifest the object as Git has it (apiVersion, kind, metadata, spec) */
    public static Gate of(Map<String, Object> manifest) {
        Obj o = new Obj(manifest);
        // annotation keys hold dots: not addressable as a dotted path
        String override = o.get("metadata.annotations") instanceof Map<?, ?> a && a.get(ANNOTATION) != null
                ? String.valueOf(a.get(ANNOTATION)) : null;
        if ("wait".equals(override)) {
            return Gate.WAIT;
        }
        if ("ignore".equals(override)) {
            return Gate.IGNORE;
        }
        String apiVersion = o.string("apiVersion");
        String group = apiVersion == null || !apiVersion.contains("/") ? "" : apiVersion.substring(0, apiVersion.indexOf('/'));
        boolean loadBalancer = group.isEmpty() && "Service".equals(o.kind()) && "LoadBalancer".equals(o.string("spec.type"));
        boolean ingress = "Ingress".equals(o.kind()) && (group.equals("networking.k8s.io") || group.equals("extensions"));
        return loadBalancer || ingress ? Gate.REPORT : Gate.WAIT;
    }
}
