package dev.capstan.resource;

import dev.capstan.config.ApplicationResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * The Application API, addressed without discovery: fabric8 would otherwise look the kind
 * up on the server and fail when the CRD is not installed yet, and the agent must start
 * (and serve config-file apps) either way.
 */
public final class ApplicationApi {

    private static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder()
            .withGroup(ApplicationResource.GROUP).withVersion(ApplicationResource.VERSION).withKind(ApplicationResource.KIND)
            .withPlural("applications").withNamespaced(true).build();

    private ApplicationApi() {
    }

    public static MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> of(
            KubernetesClient client) {
        return client.genericKubernetesResources(CONTEXT);
    }
}
