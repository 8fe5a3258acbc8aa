package dev.capstan.apply;

import dev.capstan.plan.Inventory;
import dev.capstan.plan.Ownership;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Keeps each application's {@link Inventory} in a ConfigMap
 * {@code capstan-inventory-<app>} in the agent's namespace: it survives restarts, and
 * {@code kubectl get cm -n capstan} shows what each app owns.
 */
public final class InventoryStore {

    private final KubernetesClient client;
    private final String namespace;
    /** What this agent last read or wrote per app: it is the only writer, so a no-op sync needs no request. */
    private final java.util.Map<String, Inventory> known = new java.util.concurrent.ConcurrentHashMap<>();

    public InventoryStore(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** An Application's key {@code <namespace>_<name>} becomes {@code <namespace>.<name>}: '_' is not allowed in names. */
    public static String name(String app) {
        return "capstan-inventory-" + app.replace('_', '.');
    }

    /**
     * Drops what this agent remembers of the app's inventory, so the next read asks the API:
     * another replica may have written it meanwhile (sharding moved the app, or leadership
     * changed hands).
     */
    public void forget(String app) {
        known.remove(app);
    }

    /** Forgets the app's inventory: its objects are pruned or released, and nothing of it is left to prune. */
    public void delete(String app) {
        client.configMaps().inNamespace(namespace).withName(name(app)).delete();
        known.remove(app);
    }

    public Inventory read(String app) {
        Inventory cached = known.get(app);
        if (cached != null) {
            return cached;
        }
        ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name(app)).get();
        Inventory inventory = cm == null ? Inventory.empty() : Inventory.fromData(cm.getData());
        known.put(app, inventory);
        return inventory;
    }

    /** Writes the inventory unless it is what was last read or written. */
    public void write(String app, Inventory inventory) {
        Inventory cached = known.get(app);
        if (cached != null && cached.toData().equals(inventory.toData())) {
            return;
        }
        ConfigMap cm = new ConfigMapBuilder()
                .withNewMetadata().withName(name(app)).withNamespace(namespace)
                .addToLabels(Ownership.APP_LABEL, Ownership.appLabel(app))
                .addToLabels("capstan.dev/inventory", "true")
                .endMetadata()
                .withData(inventory.toData())
                .build();
        client.configMaps().inNamespace(namespace).resource(cm).fieldManager("capstan").forceConflicts().serverSideApply();
        known.put(app, inventory);
    }
}
