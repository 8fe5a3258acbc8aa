package dev.capstan.plan;

import java.util.Comparator;
import java.util.List;

/**
 * The order objects are applied in: what others depend on first. Based on Helm's install
 * order (namespaces and policies, then identities, config and storage, RBAC, services, workloads,
 * then routing), with CustomResourceDefinitions right after Namespaces because custom
 * resources cannot be created before their CRD is served. Unknown kinds (custom resources
 * among them) go last. Deletion (prune) uses the reverse.
 */
public final class ApplyOrder {

    private static final List<String> KINDS = List.of(
            "Namespace",
            "CustomResourceDefinition",
            "PriorityClass",
            "NetworkPolicy",
            "ResourceQuota",
            "LimitRange",
            "PodSecurityPolicy",
            "PodDisruptionBudget",
            "ServiceAccount",
            "Secret",
            "SecretList",
            "ConfigMap",
            "StorageClass",
            "PersistentVolume",
            "PersistentVolumeClaim",
            "ClusterRole",
            "ClusterRoleList",
            "ClusterRoleBinding",
            "ClusterRoleBindingList",
            "Role",
            "RoleList",
            "RoleBinding",
            "RoleBindingList",
            "Service",
            "DaemonSet",
            "Pod",
            "ReplicationController",
            "ReplicaSet",
            "Deployment",
            "HorizontalPodAutoscaler",
            "StatefulSet",
            "Job",
            "CronJob",
            "IngressClass",
            "Ingress",
            "APIService",
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration");

    /** Kind order, then namespace, then name: deterministic whatever the file order was. */
    public static final Comparator<ObjectRef> COMPARATOR = Comparator
            .comparingInt((ObjectRef r) -> rank(r.kind()))
            .thenComparing(r -> rank(r.kind()) == KINDS.size() ? r.kind() : "")
            .thenComparing(ObjectRef::group)
            .thenComparing(ObjectRef::namespace)
            .thenComparing(ObjectRef::name);

    private ApplyOrder() {
    }

    /** Objects the server must know before anything else can be applied: the first stage. */
    public static boolean isStageOne(ObjectRef ref) {
        return ref.kind().equals("Namespace") && ref.group().isEmpty()
                || ref.kind().equals("CustomResourceDefinition") && ref.group().equals("apiextensions.k8s.io");
    }

    /**
     * Desired objects in apply order: by wave, then kind order, moved later where a
     * {@code capstan.dev/depends-on} annotation asks for it (a dependency on an object
     * outside the set is ignored: it cannot be ordered against).
     *
     * @throws IllegalArgumentException on a dependency cycle, naming the objects in it
     */
    public static List<DesiredObject> sort(List<DesiredObject> objects) {
        List<DesiredObject> byKind = new java.util.ArrayList<>(objects);
        byKind.sort(java.util.Comparator.comparingInt(DesiredObject::wave).thenComparing(DesiredObject::ref, COMPARATOR));
        java.util.Map<String, DesiredObject> byLooseRef = new java.util.HashMap<>();
        for (DesiredObject d : byKind) {
            byLooseRef.put(loose(d.ref()), d);
        }
        java.util.Map<DesiredObject, java.util.Set<DesiredObject>> waitsFor = new java.util.IdentityHashMap<>();
        for (DesiredObject d : byKind) {
            java.util.Set<DesiredObject> deps = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (ObjectRef r : d.dependsOn()) {
                DesiredObject dep = byLooseRef.get(loose(r));
                if (dep != null && dep != d) {
                    deps.add(dep);
                }
            }
            waitsFor.put(d, deps);
        }
        List<DesiredObject> sorted = new java.util.ArrayList<>();
        java.util.Set<DesiredObject> done = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        while (sorted.size() < byKind.size()) {
            DesiredObject next = null;
            for (DesiredObject d : byKind) {
                if (!done.contains(d) && done.containsAll(waitsFor.get(d))) {
                    next = d;
                    break;
                }
            }
            if (next == null) {
                String cycle = byKind.stream().filter(d -> !done.contains(d)).map(d -> d.ref().toString())
                        .collect(java.util.stream.Collectors.joining(", "));
                throw new IllegalArgumentException("capstan.dev/depends-on forms a cycle among " + cycle);
            }
            sorted.add(next);
            done.add(next);
        }
        return sorted;
    }

    private static String loose(ObjectRef r) {
        return r.kind() + "/" + r.namespace() + "/" + r.name();
    }

    /** Position of a kind in the apply order; unknown kinds share the last rank. */
    public static int rank(String kind) {
        int i = KINDS.indexOf(kind);
        return i < 0 ? KINDS.size() : i;
    }
}
