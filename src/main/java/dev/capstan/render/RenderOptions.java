package dev.capstan.render;

import dev.capstan.yaml.YamlLimits;

/**
 * How to render and validate.
 *
 * @param defaultNamespace namespace of namespaced objects that set none (the app's destination)
 * @param apiPolicy judges apiVersions (offline target version or a live cluster's discovery)
 * @param scopes which kinds are namespaced
 */
public record RenderOptions(YamlLimits limits, String defaultNamespace, ApiVersionPolicy apiPolicy, KindScopes scopes) {

    public static RenderOptions defaults() {
        return new RenderOptions(YamlLimits.defaults(), "default",
                ApiVersionPolicy.offline(RemovedApis.builtIn().newest()), KindScopes.BUILT_IN);
    }

    public RenderOptions withLimits(YamlLimits l) {
        return new RenderOptions(l, defaultNamespace, apiPolicy, scopes);
    }

    public RenderOptions withDefaultNamespace(String ns) {
        return new RenderOptions(limits, ns, apiPolicy, scopes);
    }

    public RenderOptions withApiPolicy(ApiVersionPolicy p) {
        return new RenderOptions(limits, defaultNamespace, p, scopes);
    }

    public RenderOptions withScopes(KindScopes s) {
        return new RenderOptions(limits, defaultNamespace, apiPolicy, s);
    }
}
