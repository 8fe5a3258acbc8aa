package dev.capstan.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The current {@link ClusterDiscovery}, shared by every application. Refreshed only when
 * something may have changed what the cluster serves (a CRD was applied, or a kind was
 * not found), never per sync: discovery is a burst of requests.
 */
public final class DiscoveryCache {

    private final KubernetesClient client;
    private volatile ClusterDiscovery current;
    private volatile long refreshedAt;

    public DiscoveryCache(KubernetesClient client) {
        this.client = client;
        refresh();
    }

    public ClusterDiscovery current() {
        return current;
    }

    public synchronized ClusterDiscovery refresh() {
        current = ClusterDiscovery.load(client);
        refreshedAt = System.nanoTime();
        return current;
    }

    /** Refreshes unless the last refresh is younger than {@code minAgeMillis} (rate limit for "kind not found"). */
    public ClusterDiscovery refreshIfOlderThan(long minAgeMillis) {
        if (System.nanoTime() - refreshedAt > minAgeMillis * 1_000_000L) {
            return refresh();
        }
        return current;
    }
}
