package dev.capstan.render;

import java.util.Optional;
import java.util.Set;

/**
 * Whether a kind is namespaced. Offline we know the built-in kinds (and CRDs in the same
 * render declare their own scope); against a cluster, discovery answers for everything.
 */
@FunctionalInterface
public interface KindScopes {

    /** True if namespaced, false if cluster-scoped, empty when unknown (treated as namespaced). */
    Optional<Boolean> namespaced(String group, String kind);

    /** Built-in cluster-scoped kinds of Kubernetes; every other known built-in kind is namespaced. */
    KindScopes BUILT_IN = new KindScopes() {
        private final Set<String> clusterScoped = Set.of(
                "/Namespace", "/Node", "/PersistentVolume", "/ComponentStatus",
                "rbac.authorization.k8s.io/ClusterRole", "rbac.authorization.k8s.io/ClusterRoleBinding",
                "apiextensions.k8s.io/CustomResourceDefinition", "apiregistration.k8s.io/APIService",
                "storage.k8s.io/StorageClass", "storage.k8s.io/CSIDriver", "storage.k8s.io/CSINode",
                "storage.k8s.io/VolumeAttachment", "scheduling.k8s.io/PriorityClass",
                "admissionregistration.k8s.io/MutatingWebhookConfiguration",
                "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
                "admissionregistration.k8s.io/ValidatingAdmissionPolicy",
                "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding",
                "networking.k8s.io/IngressClass", "networking.k8s.io/IPAddress", "networking.k8s.io/ServiceCIDR",
                "policy/PodSecurityPolicy", "extensions/PodSecurityPolicy", "node.k8s.io/RuntimeClass",
                "certificates.k8s.io/CertificateSigningRequest", "flowcontrol.apiserver.k8s.io/FlowSchema",
                "flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration",
                "authentication.k8s.io/TokenReview", "authorization.k8s.io/SubjectAccessReview",
                "authorization.k8s.io/SelfSubjectAccessReview", "authorization.k8s.io/SelfSubjectRulesReview");
        private final Set<String> builtInGroups = Set.of("", "apps", "batch", "autoscaling", "policy", "extensions",
                "networking.k8s.io", "rbac.authorization.k8s.io", "storage.k8s.io", "scheduling.k8s.io",
                "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io", "node.k8s.io",
                "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io",
                "certificates.k8s.io", "flowcontrol.apiserver.k8s.io", "authentication.k8s.io",
                "authorization.k8s.io", "resource.k8s.io");

        @Override
        public Optional<Boolean> namespaced(String group, String kind) {
            if (clusterScoped.contains(group + "/" + kind)) {
                return Optional.of(false);
            }
            return builtInGroups.contains(group) ? Optional.of(true) : Optional.empty();
        }
    };

    /** This scope table first, then {@code other} where this one does not know. */
    default KindScopes or(KindScopes other) {
        return (group, kind) -> {
            Optional<Boolean> mine = namespaced(group, kind);
            return mine.isPresent() ? mine : other.namespaced(group, kind);
        };
    }
}
