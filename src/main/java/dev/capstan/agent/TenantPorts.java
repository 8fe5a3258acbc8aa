package dev.capstan.agent;

import dev.capstan.apply.Applier;
import dev.capstan.apply.ApplyOptions;
import dev.capstan.apply.InventoryStore;
import dev.capstan.apply.Pruner;
import dev.capstan.cluster.DiscoveryCache;
import dev.capstan.cluster.LiveCache;
import dev.capstan.engine.EnginePorts;
import dev.capstan.health.RolloutWaiter;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine's ports for each identity apps run as: the agent itself, or a tenant's
 * ServiceAccount through impersonation, so the API server's RBAC decides what a tenant's
 * dry-run, apply and prune may touch. Impersonating clients share the agent's connection
 * pool. Rendering, the live cache, health and inventories are the agent's own: a tenant
 * needs no rights in the agent's namespace.
 */
final class TenantPorts {

    private final KubernetesClient client;
    private final DiscoveryCache discovery;
    private final ApplyOptions options;
    private final EnginePorts.Render render;
    private final LiveCache cache;
    private final RolloutWaiter waiter;
    private final InventoryStore inventory;
    private final Map<String, EnginePorts> byUser = new ConcurrentHashMap<>();
    private final Map<String, Pruner> pruners = new ConcurrentHashMap<>();

    TenantPorts(KubernetesClient client, DiscoveryCache discovery, ApplyOptions options, EnginePorts.Render render,
                LiveCache cache, RolloutWaiter waiter, InventoryStore inventory) {
        this.client = client;
        this.discovery = discovery;
        this.options = options;
        this.render = render;
        this.cache = cache;
        this.waiter = waiter;
        this.inventory = inventory;
    }

    /** @param user null for the agent's own identity */
    EnginePorts ports(String user) {
        return byUser.computeIfAbsent(user == null ? "" : user, u -> EngineAdapters.ports(render, cache,
                new Applier(clientFor(u), clientFor(u, false), discovery, options), pruner(user), waiter, inventory));
    }

    /** Deletes as {@code user}: a tenant's finalizer prunes only what the tenant may delete. */
    Pruner pruner(String user) {
        return pruners.computeIfAbsent(user == null ? "" : user, u -> new Pruner(clientFor(u), discovery));
    }

    InventoryStore inventory() {
        return inventory;
    }

    private KubernetesClient clientFor(String user) {
        return clientFor(user, true);
    }

    /**
     * @param retries false for the dry-runs' client: the applier decides their retries itself. Built here, from the
     *        agent's own request config, so it impersonates exactly as the applying client does
     */
    private KubernetesClient clientFor(String user, boolean retries) {
        if (user.isEmpty() && retries) {
            return client;
        }
        RequestConfigBuilder config = new RequestConfigBuilder(client.getConfiguration().getRequestConfig());
        if (!user.isEmpty()) {
            config.withImpersonateUsername(user);
        }
        if (!retries) {
            config.withRequestRetryBackoffLimit(0);
        }
        return client.newClient(config.build()).adapt(KubernetesClient.class);
    }
}
