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

    /** Position of a kind in the apply order; unknown kinds share the last rank. */
    public static int rank(String kind) {
        int i = KINDS.indexOf(kind);
        return i < 0 ? KINDS.size() : i;
    }
}
