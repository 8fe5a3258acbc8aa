package dev.capstan.agent;

import dev.capstan.apply.Action;
import dev.capstan.apply.ChangeSet;
import dev.capstan.config.ApplicationResource;
import dev.capstan.plan.Inventory;
import dev.capstan.plan.Planner;
import dev.capstan.resource.ApplicationRef;
import dev.capstan.resource.ApplicationWatcher;
import dev.capstan.source.GitCredentials;
import dev.capstan.source.GitSourceException;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Application resources into running apps: a valid one is added or updated, an
 * invalid one or one whose name a config-file app already has gets the problem on its
 * status (and runs nothing), a deleted one stops. With the finalizer {@code capstan.dev/prune}
 * deletion first prunes everything the app's inventory holds, as the app's own identity
 * and with the same safety rules as prune; the finalizer is removed only when nothing is
 * left, so a Forbidden delete keeps the resource (and the record) instead of orphaning.
 */
final class ResourceApps implements ApplicationWatcher.Listener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ResourceApps.class);
    private static final long FINALIZE_RETRY_SECONDS = 10;

    private final KubernetesClient client;
    private final Apps apps;
    private final Set<String> configApps;
    private final TenantPorts tenants;
    private final ResourceStatus status;
    private final Path cacheDir;
    private final ScheduledExecutorService finalizer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "application-finalizer");
        t.setDaemon(true);
        return t;
    });

    ResourceApps(KubernetesClient client, Apps apps, Set<String> configApps, TenantPorts tenants, ResourceStatus status,
                 Path cacheDir) {
        this.client = client;
        this.apps = apps;
        this.configApps = Set.copyOf(configApps);
        this.tenants = tenants;
        this.status = status;
        this.cacheDir = cacheDir;
    }

    @Override
    public void applied(ApplicationResource resource, Map<String, Object> current) {
        ApplicationRef ref = new ApplicationRef(resource.namespace(), resource.name(), resource.uid(), resource.generation());
        status.observed(ref, current);
        if (configApps.contains(resource.key())) {
            if (resource.deleting() && resource.pruneOnDelete() && apps.leading()) {
                finalizer.execute(() -> removeFinalizer(resource)); // it never ran: nothing of it to prune
                return;
            }
            status.refuse(ref, "NameConflict", resource + ": the config file already has an application named \""
                    + resource.key() + "\"; rename the Application or the config entry");
            return;
        }
        if (resource.deleting()) {
            apps.remove(resource.key());
            if (resource.pruneOnDelete() && apps.leading()) { // a standby leaves it to the leader
                finalizer.execute(() -> finalize(resource, ref));
            }
            return;
        }
        if (!resource.valid()) {
            apps.remove(resource.key());
            status.refuse(ref, "InvalidSpec", String.join("; ", resource.problems()));
            return;
        }
        String user = resource.serviceAccountName() == null ? null
                : AppDefinition.serviceAccountUser(resource.namespace(), resource.serviceAccountName());
        GitCredentials credentials = resource.secretRef() == null ? GitCredentials.none()
                : GitCredentials.fromSecret(() -> secretData(resource.namespace(), resource.secretRef()),
                        resource.namespace() + "/" + resource.secretRef(), cacheDir.resolve(resource.key() + ".credentials"));
        try {
            apps.put(new AppDefinition(resource.spec(), ref, user, resource.secretRef(), credentials));
        } catch (GitSourceException e) {
            status.refuse(ref, "InvalidSpec", resource + ": spec.repo: " + e.getMessage());
        }
    }

    @Override
    public void deleted(ApplicationResource resource) {
        if (configApps.contains(resource.key())) {
            return; // the conflicting resource went away; the config app is not its to stop
        }
        Optional<AppDefinition> running = apps.get(resource.key());
        if (running.isPresent() && running.get().resource() != null
                && !running.get().resource().uid().equals(resource.uid())) {
            return; // an older incarnation's delete event
        }
        apps.remove(resource.key());
        // released: the objects stay, and nothing is left that a later app of this name could prune
        tenants.inventory().delete(resource.key());
    }

    /** Prunes the app's objects, then drops the finalizer; on any failure retries later and says why. */
    private void finalize(ApplicationResource resource, ApplicationRef ref) {
        try {
            String user = resource.serviceAccountName() == null ? null
                    : AppDefinition.serviceAccountUser(resource.namespace(), resource.serviceAccountName());
            Inventory inventory = tenants.inventory().read(resource.key());
            var stale = Planner.plan(resource.key(), List.of(), (v, r) -> Optional.empty(), inventory).entries();
            ChangeSet pruned = tenants.pruner(user).prune(resource.key(), stale);
            List<String> failed = pruned.of(Action.FAILED).stream().map(c -> c.ref() + ": " + c.message()).toList();
            if (!failed.isEmpty()) {
                status.stalled(ref, "PruneFailed", "deleting: " + failed.size() + " object(s) could not be pruned, retrying: "
                        + String.join("; ", failed));
                finalizer.schedule(() -> finalize(resource, ref), FINALIZE_RETRY_SECONDS, TimeUnit.SECONDS);
                return;
            }
            tenants.inventory().delete(resource.key());
            removeFinalizer(resource);
            LOG.info("{}: deleted; pruned {} object(s)", resource, pruned.of(Action.PRUNED).size());
        } catch (RuntimeException e) {
            LOG.warn("{}: finalizing failed ({}); retrying", resource, e.toString());
            finalizer.schedule(() -> finalize(resource, ref), FINALIZE_RETRY_SECONDS, TimeUnit.SECONDS);
        }
    }

    private void removeFinalizer(ApplicationResource resource) {
        var op = dev.capstan.resource.ApplicationApi.of(client)
                .inNamespace(resource.namespace()).withName(resource.name());
        try {
            op.edit(r -> {
                List<String> finalizers = new java.util.ArrayList<>(r.getMetadata().getFinalizers());
                finalizers.remove(ApplicationResource.FINALIZER);
                r.getMetadata().setFinalizers(finalizers);
                return r;
            });
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /** The Secret's data, decoded; read at each fetch so a rotation applies at once. */
    private Map<String, String> secretData(String namespace, String name) throws GitSourceException {
        Secret secret;
        try {
            secret = client.secrets().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            throw new GitSourceException("cannot read Secret " + namespace + "/" + name + " (spec.repo.secretRef): HTTP "
                    + e.getCode());
        }
        if (secret == null) {
            throw new GitSourceException("Secret " + namespace + "/" + name + " (spec.repo.secretRef) does not exist; "
                    + "create it with username and password, or sshPrivateKey and knownHosts");
        }
        Map<String, String> data = new HashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        if (secret.getStringData() != null) {
            data.putAll(secret.getStringData());
        }
        return data;
    }

    @Override
    public void close() {
        finalizer.shutdownNow();
    }
}
