package dev.capstan.health;

import java.util.Map;

/**
 * The registry: one check per built-in kind (by group and kind, any version), the
 * generic check for everything else. Anything being deleted is Progressing, whatever
 * its kind.
 */
public final class HealthChecks {

    private static final Map<String, HealthCheck> BY_KIND = Map.ofEntries(
            Map.entry("apps/Deployment", new DeploymentHealth()),
            Map.entry("extensions/Deployment", new DeploymentHealth()),
            Map.entry("apps/StatefulSet", new StatefulSetHealth()),
            Map.entry("apps/DaemonSet", new DaemonSetHealth()),
            Map.entry("extensions/DaemonSet", new DaemonSetHealth()),
            Map.entry("apps/ReplicaSet", new ReplicaSetHealth()),
            Map.entry("extensions/ReplicaSet", new ReplicaSetHealth()),
            Map.entry("/Pod", new PodHealth()),
            Map.entry("batch/Job", new JobHealth()),
            Map.entry("batch/CronJob", new CronJobHealth()),
            Map.entry("/PersistentVolumeClaim", new PersistentVolumeClaimHealth()),
            Map.entry("/Service", new ServiceHealth()),
            Map.entry("networking.k8s.io/Ingress", new IngressHealth()),
            Map.entry("extensions/Ingress", new IngressHealth()),
            Map.entry("autoscaling/HorizontalPodAutoscaler", new HorizontalPodAutoscalerHealth()),
            Map.entry("apiextensions.k8s.io/CustomResourceDefinition", new CustomResourceDefinitionHealth()),
            Map.entry("apiregistration.k8s.io/APIService", new ApiServiceHealth()),
            Map.entry("/Namespace", new NamespaceHealth()));

    private static final HealthCheck GENERIC = new GenericHealth();

    private HealthChecks() {
    }

    /** The health of a live object (plain data with apiVersion and kind). */
    public static Health assess(Map<String, Object> object) {
        Obj o = new Obj(object);
        if (o.has("metadata.deletionTimestamp")) {
            return Health.progressing("being deleted");
        }
        String apiVersion = o.string("apiVersion");
        String group = apiVersion == null || !apiVersion.contains("/") ? "" : apiVersion.substring(0, apiVersion.indexOf('/'));
        HealthCheck check = BY_KIND.getOrDefault(group + "/" + o.kind(), GENERIC);
        try {
            return check.assess(o);
        } catch (RuntimeException e) {
            return new Health(HealthStatus.Unknown, "cannot assess: " + e.getMessage());
        }
    }
}
