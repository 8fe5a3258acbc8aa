package dev.capstan.config;

import dev.capstan.render.KubeVersion;
import dev.capstan.render.ToolSettings;
import java.nio.file.Path;
import java.util.List;

/**
 * The agent's whole configuration, as loaded from one YAML file by {@link ConfigLoader}.
 *
 * @param namespace the agent's own namespace (inventories live there)
 * @param cacheDir where Git object stores are kept between syncs
 * @param managedNamespaces the namespaces objects may be deployed to ({@code ["*"]}: all, and cluster-scoped objects);
 *        a list is the namespaced install: watched namespace by namespace, as Roles there allow
 */
public record AgentConfig(Server server, String namespace, Path cacheDir, Render render, Apply apply,
                          LeaderElection leaderElection, List<ApplicationSpec> applications,
                          List<String> applicationNamespaces, Tenancy tenancy, Sharding sharding,
                          List<String> managedNamespaces) {

    /**
     * Several replicas, each syncing a share of the applications: every replica holds a
     * membership Lease renewed every {@code renewPeriod}, and apps are assigned by rendezvous
     * hashing over the live members; a replica that stops or stalls loses its apps to the
     * others within {@code leaseDuration}.
     */
    public record Sharding(boolean enabled, java.time.Duration leaseDuration, java.time.Duration renewPeriod) {
    }

    /** Every namespace, for {@link #applicationNamespaces()}. */
    public static final String ALL_NAMESPACES = "*";

    /** Whether this agent is installed cluster-wide (it may manage cluster-scoped objects and watch every namespace). */
    public boolean managesAllNamespaces() {
        return managedNamespaces.contains(ALL_NAMESPACES);
    }

    /** Whether Application resources in {@code ns} are served. */
    public boolean servesApplicationsIn(String ns) {
        return applicationNamespaces.contains(ALL_NAMESPACES) || applicationNamespaces.contains(ns);
    }

    /**
     * @param defaultServiceAccount the ServiceAccount (in the Application's own namespace) that
     *        Applications outside the agent's namespace run as when they name none; null: they run
     *        as the agent. Flux's lockdown: set it, and no tenant borrows the agent's rights.
     */
    public record Tenancy(String defaultServiceAccount) {
    }

    /**
     * Several replicas, one syncing: the others stand by (not ready) until the Lease
     * {@code leaseName} in the agent's namespace is theirs.
     */
    public record LeaderElection(boolean enabled, String leaseName, java.time.Duration leaseDuration,
                                 java.time.Duration renewDeadline, java.time.Duration retryPeriod) {
    }

    /**
     * @param forceConflicts take over fields other managers own (server-side apply {@code force})
     * @param parallelism concurrent API requests for dry-runs and for objects of one kind
     * @param skipProvenDryRuns {@code dryRun: unlessProven}: creates whose validity and admission are proven send no dry-run
     */
    public record Apply(boolean forceConflicts, int parallelism, boolean skipProvenDryRuns) {
    }

    /**
     * @param tokenFile file holding the bearer token of the sync API; {@code tokenEnv} the env var alternative
     * @param webhookSecretFile file holding the push webhooks' secret; {@code webhookSecretEnv} the env var alternative
     * @param readTokenFile file holding the token the status API and page need (none: reads are open);
     *        {@code readTokenEnv} the env var alternative
     * @param syncBurst manual syncs of one app accepted at once; {@code syncEvery} then one more per that interval
     */
    public record Server(int port, String tokenFile, String tokenEnv, String webhookSecretFile, String webhookSecretEnv,
                         String readTokenFile, String readTokenEnv, int syncBurst, java.time.Duration syncEvery) {

        public Server(int port, String tokenFile, String tokenEnv, String webhookSecretFile, String webhookSecretEnv) {
            this(port, tokenFile, tokenEnv, webhookSecretFile, webhookSecretEnv, null, null, 10, java.time.Duration.ofSeconds(6));
        }

        /** Whether reads of the status API need a token. */
        public boolean readsGuarded() {
            return readTokenFile != null || readTokenEnv != null;
        }
    }

    /**
     * Limits, the Kubernetes version manifests are judged against when no cluster is asked,
     * and the rendering tools' settings (kustomize command, lockdown switches, timeout).
     */
    public record Render(KubeVersion kubeVersion, long maxFileBytes, int maxDocuments, ToolSettings tools) {
    }
}
