package dev.capstan.cluster;

import dev.capstan.plan.ObjectRef;
import dev.capstan.plan.Ownership;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live state of everything Capstan manages, kept by one informer per apiVersion/kind
 * (list once, then watch), so planning an unchanged application costs no API request.
 * Only objects labelled {@code app.kubernetes.io/managed-by=capstan} are cached, which
 * keeps memory proportional to what Capstan manages rather than to the cluster; objects
 * not yet managed are looked up once, when the plan wants to create them.
 */
public final class LiveCache implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveCache.class);
    /** Longer than a rollout's default timeout (5 min), so a rollout's own watch is not closed under it. */
    private static final java.time.Duration POD_WATCH_IDLE = java.time.Duration.ofMinutes(10);

    /**
     * @param replicaSets a Deployment's ReplicaSets tell which pods are of its current revision (their
     *        {@code pod-template-hash}); empty when they cannot be listed
     */
    private record PodWatch(Optional<SharedIndexInformer<GenericKubernetesResource>> informer,
                            Optional<SharedIndexInformer<GenericKubernetesResource>> replicaSets,
                            java.util.concurrent.atomic.AtomicLong lastUsed) {
        void close() {
            informer.ifPresent(SharedIndexInformer::close);
            replicaSets.ifPresent(SharedIndexInformer::close);
        }
    }

    private final KubernetesClient client;
    private final Supplier<ClusterDiscovery> discovery;
    /** By apiVersion|kind, then by namespace ({@link #ANY} for one informer over all namespaces, and for cluster-scoped kinds). */
    private final Map<String, Map<String, SharedIndexInformer<GenericKubernetesResource>>> informers = new ConcurrentHashMap<>();
    private static final String ANY = "*";
    /** Empty: every namespace is watched by one informer per kind; else one per kind and listed namespace (a namespaced install). */
    private final java.util.Set<String> namespaces;
    /** By namespace; empty when pods there cannot be listed (asked once, not at every health check). */
    private final Map<String, PodWatch> podInformers = new ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService sweeper;
    private final java.util.List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Events seen per namespace ("" for cluster-scoped objects), so an app can tell that nothing it reads changed. */
    private final Map<String, java.util.concurrent.atomic.AtomicLong> changes = new ConcurrentHashMap<>();

    /** Told of every add, update and delete of a cached object (on the informer's thread: return quickly). */
    @FunctionalInterface
    public interface Listener {
        void changed(String apiVersion, ObjectRef ref, boolean deleted);
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /** @param discovery the current discovery (refreshed by its owner when CRDs change) */
    public LiveCache(KubernetesClient client, Supplier<ClusterDiscovery> discovery) {
        this(client, discovery, java.util.Set.of());
    }

    /**
     * @param namespaces the only namespaces watched (a namespaced install, whose Roles allow no cluster-wide list);
     *        cluster-scoped kinds are then not watched at all. Empty: all namespaces.
     */
    public LiveCache(KubernetesClient client, Supplier<ClusterDiscovery> discovery, java.util.Collection<String> namespaces) {
        this.client = client;
        this.discovery = discovery;
        this.namespaces = java.util.Set.copyOf(namespaces);
        this.sweeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "capstan-pod-watch-sweeper");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(() -> closeIdlePodWatches(System.nanoTime() - POD_WATCH_IDLE.toNanos()),
                1, 1, java.util.concurrent.TimeUnit.MINUTES);
    }

    /**
     * Starts watching apiVersion/kind unless already watched; returns false when the
     * cluster does not serve it (yet: a CRD in the same commit).
     */
    public boolean watch(String apiVersion, String kind) {
        String key = apiVersion + "|" + kind;
        if (informers.containsKey(key)) {
            return true;
        }
        Optional<ResourceDefinitionContext> ctx = discovery.get().context(apiVersion, kind);
        if (ctx.isEmpty()) {
            return false;
        }
        synchronized (this) {
            if (!informers.containsKey(key)) {
                Map<String, SharedIndexInformer<GenericKubernetesResource>> byNamespace = new java.util.HashMap<>();
                var resources = client.genericKubernetesResources(ctx.get());
                try {
                    if (namespaces.isEmpty()) {
                        byNamespace.put(ANY, lean(resources.inAnyNamespace()
                                .withLabel(Ownership.MANAGED_BY_LABEL, Ownership.MANAGED_BY), apiVersion, kind));
                    } else if (ctx.get().isNamespaceScoped()) {
                        for (String ns : namespaces) {
                            byNamespace.put(ns, lean(resources.inNamespace(ns)
                                    .withLabel(Ownership.MANAGED_BY_LABEL, Ownership.MANAGED_BY), apiVersion, kind));
                        }
                    }
                } catch (RuntimeException e) {
                    byNamespace.values().forEach(SharedIndexInformer::close);
                    throw e;
                }
                informers.put(key, Map.copyOf(byNamespace));
                LOG.debug("watching {}", key);
            }
        }
        return true;
    }

    /**
     * An informer whose store keeps objects without managedFields ({@link LeanStore}),
     * telling the listeners of every change; returns once the initial list is in the store.
     */
    private SharedIndexInformer<GenericKubernetesResource> lean(
            io.fabric8.kubernetes.client.dsl.Informable<GenericKubernetesResource> op, String apiVersion, String kind) {
        SharedIndexInformer<GenericKubernetesResource> informer = op.runnableInformer(0);
        informer.itemStore(new LeanStore());
        informer.addEventHandler(new io.fabric8.kubernetes.client.informers.ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource r) {
                publish(apiVersion, kind, r, false);
            }

            @Override
            public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource r) {
                publish(apiVersion, kind, r, false);
            }

            @Override
            public void onDelete(GenericKubernetesResource r, boolean unknownFinalState) {
                publish(apiVersion, kind, r, true);
            }
        });
        try {
            informer.start().toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            informer.close();
            throw new io.fabric8.kubernetes.client.KubernetesClientException("interrupted while listing " + kind);
        } catch (java.util.concurrent.ExecutionException e) {
            informer.close();
            throw e.getCause() instanceof io.fabric8.kubernetes.client.KubernetesClientException k ? k
                    : new io.fabric8.kubernetes.client.KubernetesClientException("cannot list " + kind + ": " + e.getCause(), e.getCause());
        }
        return informer;
    }

    /** Kind from the informer, not the object: items of a LIST response carry no kind. */
    private void publish(String apiVersion, String kind, GenericKubernetesResource r, boolean deleted) {
        ObjectRef ref = new ObjectRef(ObjectRef.groupOf(apiVersion), kind,
                r.getMetadata().getNamespace(), r.getMetadata().getName());
        changes.computeIfAbsent(ref.namespace(), ns -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
        for (Listener l : listeners) {
            try {
                l.changed(apiVersion, ref, deleted);
            } catch (RuntimeException e) {
                LOG.warn("live cache listener failed: {}", e.toString());
            }
        }
    }

    /** The cached live object, or empty when it does not exist or is not managed by Capstan (or not watched). */
    public Optional<GenericKubernetesResource> get(String apiVersion, ObjectRef ref) {
        Map<String, SharedIndexInformer<GenericKubernetesResource>> byNamespace = informers.get(apiVersion + "|" + ref.kind());
        SharedIndexInformer<GenericKubernetesResource> informer = byNamespace == null ? null
                : byNamespace.getOrDefault(ANY, byNamespace.get(ref.namespace()));
        if (informer == null) {
            return Optional.empty();
        }
        String key = ref.namespace().isEmpty() ? ref.name() : ref.namespace() + "/" + ref.name();
        return Optional.ofNullable(informer.getStore().getByKey(key));
    }

    /** The cached live object as plain data (what the planner compares against). */
    @SuppressWarnings("unchecked")
    public Optional<Map<String, Object>> find(String apiVersion, ObjectRef ref) {
        return get(apiVersion, ref).map(r -> (Map<String, Object>) client.getKubernetesSerialization().convertValue(r, Map.class));
    }

    /**
     * The pods of a namespace that carry {@code matchLabels}, as plain data, from a namespace-scoped informer started on
     * first use (its events reach the listeners like any other object's). Pods carry no
     * Capstan label, but health judges a rolling-out workload by its pods: a crash-looping
     * one fails the rollout at once instead of at the progress deadline. Empty when pods
     * cannot be listed (RBAC): health then falls back to the workload's own status.
     */
    public java.util.List<Map<String, Object>> pods(String namespace, Map<String, String> matchLabels) {
        return selected(podWatch(namespace).informer(), matchLabels);
    }

    /**
     * The ReplicaSets of a namespace that carry {@code matchLabels} (a Deployment's selector), watched and closed with
     * the namespace's pods: the one whose revision is the Deployment's says which pods are of the rollout being judged.
     */
    public java.util.List<Map<String, Object>> replicaSets(String namespace, Map<String, String> matchLabels) {
        return selected(podWatch(namespace).replicaSets(), matchLabels);
    }

    private PodWatch podWatch(String namespace) {
        PodWatch watch = podInformers.computeIfAbsent(namespace, ns -> new PodWatch(inform(ns, "v1", "Pod"),
                inform(ns, "apps/v1", "ReplicaSet"), new java.util.concurrent.atomic.AtomicLong()));
        watch.lastUsed().set(System.nanoTime());
        return watch;
    }

    @SuppressWarnings("unchecked")
    private java.util.List<Map<String, Object>> selected(Optional<SharedIndexInformer<GenericKubernetesResource>> informer,
                                                         Map<String, String> matchLabels) {
        if (informer.isEmpty()) {
            return java.util.List.of();
        }
        // only the selected objects are converted: this runs at every pod event while a rollout is awaited
        return informer.get().getStore().list().stream()
                .filter(r -> r.getMetadata().getLabels() != null && r.getMetadata().getLabels().entrySet().containsAll(matchLabels.entrySet()))
                .map(r -> (Map<String, Object>) client.getKubernetesSerialization().convertValue(r, Map.class)).toList();
    }

    private Optional<SharedIndexInformer<GenericKubernetesResource>> inform(String namespace, String apiVersion, String kind) {
        try {
            SharedIndexInformer<GenericKubernetesResource> informer = lean(client.genericKubernetesResources(apiVersion, kind)
                    .inNamespace(namespace), apiVersion, kind);
            // lean() returns after the initial list: the store is complete from here on
            LOG.debug("watching {}s in {}", kind, namespace);
            return Optional.of(informer);
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            LOG.warn("cannot watch {}s in {} (health will not see failing pods): {}", kind, namespace, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Pods are watched only while rollouts there are judged: a namespace's pod informer no
     * health check asked for since {@code idleSinceNanos} is closed (and reopened, with a
     * fresh list, by the next rollout). Without this an agent of 100 apps keeps 100 pod
     * watches, and every pod of those namespaces in memory, after its first sync.
     */
    void closeIdlePodWatches(long idleSinceNanos) {
        podInformers.entrySet().removeIf(e -> {
            boolean idle = e.getValue().lastUsed().get() - idleSinceNanos < 0;
            if (idle) {
                e.getValue().close();
                LOG.debug("no longer watching pods in {}", e.getKey());
            }
            return idle;
        });
    }

    /** The sum of the events seen in {@code namespaces}: unchanged exactly when none of their objects changed. */
    public long changes(java.util.Collection<String> namespaces) {
        long sum = 0;
        for (String ns : namespaces) {
            java.util.concurrent.atomic.AtomicLong n = changes.get(ns);
            sum += n == null ? 0 : n.get();
        }
        return sum;
    }

    /** Namespaces whose pods are watched now. */
    int podWatches() {
        return (int) podInformers.values().stream().filter(w -> w.informer().isPresent()).count();
    }

    /** True when every informer has finished its initial list. */
    public boolean synced() {
        return informers.values().stream().flatMap(m -> m.values().stream()).allMatch(SharedIndexInformer::hasSynced);
    }

    public int watchedKinds() {
        return informers.size();
    }

    @Override
    public void close() {
        informers.values().forEach(m -> m.values().forEach(SharedIndexInformer::close));
        informers.clear();
        sweeper.shutdownNow();
        podInformers.values().forEach(PodWatch::close);
        podInformers.clear();
    }
}
