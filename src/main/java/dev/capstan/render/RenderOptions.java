package dev.capstan.render;

import dev.capstan.yaml.YamlLimits;

/**
 * How to render and validate.
 *
 * @param defaultNamespace namespace of namespaced objects that set none (the app's destination)
 * @param apiPolicy judges apiVersions (offline target version or a live cluster's discovery)
 * @param scopes which kinds are namespaced
 * @param managedNamespaces where objects may go; empty: anywhere, cluster-scoped objects included (a namespaced
 *        install's agent can neither watch nor apply outside its namespaces, so such objects are refused here, by name)
 */
public record RenderOptions(YamlLimits limits, String defaultNamespace, ApiVersionPolicy apiPolicy, KindScopes scopes,
                            java.util.Set<String> managedNamespaces) {

    public static RenderOptions defaults() {
        return new RenderOptions(YamlLimits.defaults(), "default",
                ApiVersionPolicy.offline(RemovedApis.builtIn().newest()), KindScopes.BUILT_IN, java.util.Set.of());
    }

    /** @param namespaces where objects may go; empty: anywhere */
    public RenderOptions withManagedNamespaces(java.util.Collection<String> namespaces) {
        return new RenderOptions(limits, defaultNamespace, apiPolicy, scopes, java.util.Set.copyOf(namespaces));
    }

    public RenderOptions withLimits(YamlLimits l) {
        return new RenderOptions(l, defaultNamespace, apiPolicy, scopes, managedNamespaces);
    }

    public RenderOptions withDefaultNamespace(String ns) {
        return new RenderOptions(limits, ns, apiPolicy, scopes, managedNamespaces);
    }

    public RenderOptions withApiPolicy(ApiVersionPolicy p) {
        return new RenderOptions(limits, defaultNamespace, p, scopes, managedNamespaces);
    }

    public RenderOptions withScopes(KindScopes s) {
        return new RenderOptions(limits, defaultNamespace, apiPolicy, s, managedNamespaces);
    }
}
