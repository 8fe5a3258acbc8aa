package dev.capstan.config;

import dev.capstan.render.HelmOptions;
import dev.capstan.yaml.YamlDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An {@code applications.capstan.dev} resource read into the engine's {@link ApplicationSpec},
 * checked by the same rules as an entry of the config file. A tenant's resource may not
 * name files or environment variables of the agent: its credentials come from a Secret in
 * its own namespace ({@code spec.repo.secretRef}), its rights from a ServiceAccount.
 *
 * @param key the app's name inside Capstan: the resource's name in the agent's namespace,
 *        {@code <namespace>_<name>} elsewhere ('_' is in no Kubernetes name, so keys never clash)
 * @param spec the engine's view, named {@code key}; null when {@code problems} is not empty
 * @param secretRef Secret in {@code namespace} with username/password or sshPrivateKey/knownHosts; null: none
 * @param serviceAccountName who every request for this app is made as; null: the agent itself
 * @param pruneOnDelete the finalizer {@link #FINALIZER} is present: deleting the resource prunes its objects first
 * @param deleting the resource has a deletion timestamp
 */
public record ApplicationResource(String namespace, String name, String uid, long generation, String key,
                                  ApplicationSpec spec, String secretRef, String serviceAccountName,
                                  boolean pruneOnDelete, boolean deleting, List<String> problems) {

    public static final String GROUP = "capstan.dev";
    public static final String VERSION = "v1alpha1";
    public static final String API_VERSION = GROUP + "/" + VERSION;
    public static final String KIND = "Application";
    public static final String FINALIZER = "capstan.dev/prune";

    /** The app key of a resource: see {@link #key()}. */
    public static String key(String namespace, String name, String agentNamespace) {
        return namespace.equals(agentNamespace) ? name : namespace + "_" + name;
    }

    /**
     * @param object the resource as the API server returns it
     * @param tenancy who runs apps that name no ServiceAccount
     */
    @SuppressWarnings("unchecked")
    public static ApplicationResource parse(Map<String, Object> object, String agentNamespace, AgentConfig.Tenancy tenancy) {
        Map<String, Object> meta = object.get("metadata") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        String namespace = String.valueOf(meta.get("namespace"));
        String name = String.valueOf(meta.get("name"));
        String uid = String.valueOf(meta.get("uid"));
        long generation = meta.get("generation") instanceof Number g ? g.longValue() : 0;
        List<?> finalizers = meta.get("finalizers") instanceof List<?> l ? l : List.of();
        boolean deleting = meta.get("deletionTimestamp") != null;
        String key = key(namespace, name, agentNamespace);
        Map<?, ?> specMap = object.get("spec") instanceof Map<?, ?> s ? s : Map.of();

        List<String> problems = new ArrayList<>();
        ConfigNode spec = new ConfigNode("Application " + namespace + "/" + name, new YamlDocument(specMap, 0, Map.of()),
                "spec", specMap, problems);
        if (!ConfigLoader.validAppName(name)) {
            problems.add("Application " + namespace + "/" + name + ": metadata.name: at most 53 lower-case letters, digits "
                    + "or '-' (it is used in labels and object names); create it under a shorter name");
        }
        spec.allowOnly("repo", "destination", "sync", "helm", "serviceAccountName");
        if (!spec.has("repo")) {
            spec.problem("repo", "required");
        }
        ConfigNode repoNode = spec.child("repo");
        repoNode.allowOnly("url", "ref", "path", "secretRef", "timeout");
        ConfigNode ref = repoNode.child("secretRef");
        ref.allowOnly("name");
        String secretRef = ref.string("name").orElse(null);
        ApplicationSpec.Repo repo = ConfigLoader.repo(repoNode, new ApplicationSpec.Auth(null, null, null, null, null));
        checkUrl(repoNode, repo.url(), namespace.equals(agentNamespace));
        String serviceAccount = spec.string("serviceAccountName").orElse(null);
        if (serviceAccount != null && !ConfigLoader.SERVICE_ACCOUNT.matcher(serviceAccount).matches()) {
            spec.problem("serviceAccountName", "\"" + serviceAccount + "\" is not a ServiceAccount name");
        }
        if (serviceAccount == null && !namespace.equals(agentNamespace)) {
            serviceAccount = tenancy.defaultServiceAccount();
        }
        HelmOptions helm = ConfigLoader.helm(spec.child("helm"));
        if (helm.releaseName().isEmpty()) {
            helm = new HelmOptions(name, helm.valueFiles(), helm.values(), helm.sets());
        }
        ApplicationSpec app = new ApplicationSpec(key, repo, ConfigLoader.destination(spec.child("destination"), namespace),
                ConfigLoader.sync(spec.child("sync")), helm);
        return new ApplicationResource(namespace, name, uid, generation, key, problems.isEmpty() ? app : null, secretRef,
                serviceAccount, finalizers.contains(FINALIZER), deleting, List.copyOf(problems));
    }

    /**
     * No secret in a resource's URL (it would show in {@code kubectl get -o yaml}); and no
     * {@code file://} for a tenant: it would read the agent's own disk, where other apps'
     * repositories are cached.
     */
    private static void checkUrl(ConfigNode repo, String url, boolean agentNamespace) {
        if (url == null) {
            return;
        }
        if (url.matches("(?i)(https?|git)://[^/]*@.*") || url.matches("(?i)ssh://[^/@]*:[^/@]*@.*")) {
            repo.problem("url", "carries credentials; put them in a Secret and name it in spec.repo.secretRef");
        }
        if (!agentNamespace && url.regionMatches(true, 0, "file:", 0, 5)) {
            repo.problem("url", "file:// reads the agent's own disk; an Application outside the agent's namespace "
                    + "must name a network repository (https://, ssh://, git://)");
        }
    }

    public boolean valid() {
        return problems.isEmpty();
    }

    @Override
    public String toString() {
        return "Application " + namespace + "/" + name;
    }
}
