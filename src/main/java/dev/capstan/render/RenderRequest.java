package dev.capstan.render;

/**
 * What a render of one application depends on besides the files; two renders of the same
 * commit and path with equal requests give the same output, which is what the cache relies on.
 *
 * @param app the application's name (the default Helm release name)
 * @param namespace the destination namespace (Helm's release namespace)
 * @param kubeVersion the cluster's version as Helm's {@code .Capabilities.KubeVersion}, e.g. v1.37.2
 */
public record RenderRequest(String app, String namespace, HelmOptions helm, String kubeVersion) {

    public String releaseName() {
        return helm.releaseName().isEmpty() ? app : helm.releaseName();
    }
}
