package dev.capstan.cluster;

import dev.capstan.plan.ObjectRef;
import dev.capstan.render.ServedApis;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a cluster serves, from its discovery API: which apiVersion/kind pairs exist and
 * whether each kind is namespaced. The cluster, not a table compiled into Capstan, is the
 * authority on what can be applied to it.
 */
public final class ClusterDiscovery implements ServedApis {

    private final Set<String> served;
    private final Map<String, Boolean> namespaced;
    private final Map<String, ResourceDefinitionContext> contexts;
    private final String version;

    ClusterDiscovery(Set<String> served, Map<String, Boolean> namespaced, Map<String, ResourceDefinitionContext> contexts,
                     String version) {
        this.version = version;
        this.served = Set.copyOf(served);
        this.namespaced = Map.copyOf(namespaced);
        this.contexts = Map.copyOf(contexts);
    }

    /** Reads discovery: one request for the version, one for the groups, one per group version. */
    public static ClusterDiscovery load(KubernetesClient client) {
        Set<String> served = new HashSet<>();
        Map<String, Boolean> namespaced = new HashMap<>();
        Map<String, ResourceDefinitionContext> contexts = new HashMap<>();
        add(client.getApiResources("v1"), "v1", served, namespaced, contexts);
        for (APIGroup group : client.getApiGroups().getGroups()) {
            for (GroupVersionForDiscovery gv : group.getVersions()) {
                add(client.getApiResources(gv.getGroupVersion()), gv.getGroupVersion(), served, namespaced, contexts);
            }
        }
        String version = null;
        try {
            version = client.getKubernetesVersion().getGitVersion();
        } catch (RuntimeException e) {
            // a server that hides /version: Helm is then told the offline render.kubeVersion
        }
        return new ClusterDiscovery(served, namespaced, contexts, version);
    }

    private static void add(APIResourceList list, String groupVersion, Set<String> served, Map<String, Boolean> namespaced,
                            Map<String, ResourceDefinitionContext> contexts) {
        if (list == null) {
            return;
        }
        List<APIResource> resources = list.getResources();
        for (APIResource r : resources) {
            if (r.getName().contains("/")) {
                continue; // subresources such as deployments/scale
            }
            served.add(groupVersion + "|" + r.getKind());
            namespaced.put(ObjectRef.groupOf(groupVersion) + "/" + r.getKind(), Boolean.TRUE.equals(r.getNamespaced()));
            String version = groupVersion.contains("/") ? groupVersion.substring(groupVersion.indexOf('/') + 1) : groupVersion;
            contexts.put(groupVersion + "|" + r.getKind(), new ResourceDefinitionContext.Builder()
                    .withGroup(ObjectRef.groupOf(groupVersion)).withVersion(version).withKind(r.getKind())
                    .withPlural(r.getName()).withNamespaced(Boolean.TRUE.equals(r.getNamespaced())).build());
        }
    }

    /** How to address apiVersion/kind on this cluster, or empty when it is not served. */
    public Optional<ResourceDefinitionContext> context(String apiVersion, String kind) {
        return Optional.ofNullable(contexts.get(apiVersion + "|" + kind));
    }

    /** The server's version as it reports it (v1.37.2), for Helm's {@code .Capabilities.KubeVersion}. */
    @Override
    public Optional<String> kubeVersion() {
        return Optional.ofNullable(version);
    }

    /** The kinds a group serves, in any version. */
    public Set<String> kinds(String group) {
        Set<String> kinds = new HashSet<>();
        contexts.values().stream().filter(c -> c.getGroup().equals(group)).forEach(c -> kinds.add(c.getKind()));
        return kinds;
    }

    /** How to address a kind in some version its group serves (v1 when served): any version lists every object. */
    public Optional<ResourceDefinitionContext> anyVersion(String group, String kind) {
        String prefix = group.isEmpty() ? "" : group + "/";
        return Optional.ofNullable(contexts.get(prefix + "v1|" + kind)).or(() -> contexts.values().stream()
                .filter(c -> c.getGroup().equals(group) && c.getKind().equals(kind)).findFirst());
    }

    @Override
    public boolean serves(String apiVersion, String kind) {
        return served.contains(apiVersion + "|" + kind);
    }

    @Override
    public Optional<Boolean> namespaced(String group, String kind) {
        return Optional.ofNullable(namespaced.get(group + "/" + kind));
    }
}
