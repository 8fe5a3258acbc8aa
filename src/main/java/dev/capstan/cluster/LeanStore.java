package dev.capstan.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * An informer store that keeps objects without {@code metadata.managedFields}: Capstan
 * never reads them (server-side apply tracks ownership on the server), and they are often
 * larger than the rest of the object. What stays per object is what planning, drift and
 * health read: metadata (labels, annotations, resourceVersion, generation, owner
 * references), spec, data and status.
 */
final class LeanStore extends BasicItemStore<GenericKubernetesResource> {

    LeanStore() {
        super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public GenericKubernetesResource put(String key, GenericKubernetesResource obj) {
        if (obj.getMetadata() != null) {
            obj.getMetadata().setManagedFields(null);
        }
        return super.put(key, obj);
    }
}
