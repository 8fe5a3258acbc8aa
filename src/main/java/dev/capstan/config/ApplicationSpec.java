package dev.capstan.config;

import dev.capstan.render.HelmOptions;
import java.time.Duration;

/**
 * One application: which Git path to keep in sync with which namespace, and how.
 *
 * @param helm how to template the path when it is a Helm chart
 */
public record ApplicationSpec(String name, Repo repo, Destination destination, Sync sync, HelmOptions helm) {

    public ApplicationSpec(String name, Repo repo, Destination destination, Sync sync) {
        this(name, repo, destination, sync, HelmOptions.NONE);
    }

    /** @param ref branch, tag or full commit SHA; @param path directory inside the repository ("" for its root) */
    /** @param timeout how long one Git request (ls-remote, fetch) may take, connecting and waiting for data included */
    public record Repo(String url, String ref, String path, Auth auth, Duration timeout) {

        public Repo(String url, String ref, String path, Auth auth) {
            this(url, ref, path, auth, DEFAULT_GIT_TIMEOUT);
        }
    }

    /** A Git server that answers nothing for a minute is down, whatever its socket says. */
    public static final Duration DEFAULT_GIT_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Credentials: for HTTPS a password or token from a file or an env var (never from the
     * config itself); for SSH a private key file and a known_hosts file.
     */
    public record Auth(String username, String passwordFile, String passwordEnv, String sshKeyFile, String knownHostsFile) {
        public boolean isPresent() {
            return passwordFile != null || passwordEnv != null;
        }
    }

    /** @param namespace where namespaced objects that name none are placed */
    public record Destination(String namespace) {
    }

    /**
     * @param interval how often Git is polled and the app reconciled
     * @param prune delete objects that left Git
     * @param allowEmpty allow a render with no objects to prune everything
     * @param timeout how long a sync may wait for health
     * @param rollbackOnFailure {@code rollback: onFailure}: re-apply the last healthy revision when one fails its health gate
     * @param selfHeal re-apply objects that drift from Git, as soon as the drift is seen
     * @param ignoreDifferences fields that are never drift
     * @param recreate delete and create again an object whose change is refused for immutable fields
     * @param stableFor how long a workload the sync changed must stay healthy (pods Ready, none restarted) before the
     *        revision counts as healthy; zero: healthy the moment it is
     */
    public record Sync(Duration interval, boolean prune, boolean allowEmpty, Duration timeout, boolean rollbackOnFailure,
                       boolean selfHeal, java.util.List<IgnoreRule> ignoreDifferences, boolean recreate, Duration stableFor) {

        /**
         * Kubernetes' default liveness probe (every 10 s, 3 failures) restarts a container 30 s after it starts failing:
         * a revision that stays healthy that long has at least met its probes once.
         */
        public static final Duration DEFAULT_STABLE_FOR = Duration.ofSeconds(30);

        public Sync(Duration interval, boolean prune, boolean allowEmpty, Duration timeout, boolean rollbackOnFailure,
                    boolean selfHeal, java.util.List<IgnoreRule> ignoreDifferences, boolean recreate) {
            this(interval, prune, allowEmpty, timeout, rollbackOnFailure, selfHeal, ignoreDifferences, recreate, DEFAULT_STABLE_FOR);
        }

        public Sync(Duration interval, boolean prune, boolean allowEmpty, Duration timeout, boolean rollbackOnFailure,
                    boolean selfHeal, java.util.List<IgnoreRule> ignoreDifferences) {
            this(interval, prune, allowEmpty, timeout, rollbackOnFailure, selfHeal, ignoreDifferences, false);
        }
    }

    /**
     * Fields (JSON pointers) that are not drift for matching objects; empty selectors match all.
     */
    public record IgnoreRule(String group, String kind, String namespace, String name, java.util.List<String> jsonPointers) {
        public boolean matches(dev.capstan.plan.ObjectRef ref) {
            return (group == null || group.equals(ref.group())) && (kind == null || kind.equals(ref.kind()))
                    && (namespace == null || namespace.equals(ref.namespace())) && (name == null || name.equals(ref.name()));
        }
    }

    /** The ignored pointers for one object. */
    public java.util.List<String> ignoredFor(dev.capstan.plan.ObjectRef ref) {
        return sync.ignoreDifferences().stream().filter(r -> r.matches(ref)).flatMap(r -> r.jsonPointers().stream()).toList();
    }
}
