package dev.capstan.cluster;

import dev.capstan.plan.ObjectRef;
import dev.capstan.render.KindScopes;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.client.KubernetesClient;
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
public final class ClusterDiscovery implements KindScopes {

    private final Set<String> served;
    private final Map<String, Boolean> namespaced;

    ClusterDiscovery(Set<String> served, Map<String, Boolean> namespaced) {
        this.served = Set.copyOf(served);
        this.namespaced = Map.copyOf(namespaced);
    }

    /** Reads discovery: one request for the groups, one per group version. */
    public static ClusterDiscovery load(KubernetesClient client) {
        Set<String> served = new HashSet<>();
        Map<String, Boolean> namespaced = new HashMap<>();
        add(client.getApiResources("v1"), "v1", served, namespaced);
        for (APIGroup group : client.getApiGroups().getGroups()) {
            for (GroupVersionForDiscovery gv : group.getVersions()) {
                add(client.getApiResources(gv.getGroupVersion()), gv.getGroupVersion(), served, namespaced);
            }
        }
        return new ClusterDiscovery(served, namespaced);
    }

    private static void add(APIResourceList list, String groupVersion, Set<String> served, Map<String, Boolean> namespaced) {
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
        }
    }

    public boolean serves(String apiVersion, String kind) {
        return served.contains(apiVersion + "|" + kind);
    }

    @Override
    public Optional<Boolean> namespaced(String group, String kind) {
        return Optional.ofNullable(namespaced.get(group + "/" + kind));
    }
}
