package dev.capstan.resource;

import dev.capstan.config.ApplicationResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches Application resources (one informer for all namespaces, or one per listed
 * namespace) and tells the agent what each now says. Only changes that matter reach it: a
 * new resource, a new spec generation, a finalizer or deletion change; status writes
 * (Capstan's own) are filtered out. Without the CRD installed the informers keep retrying
 * and one warning says how to install it; config-file apps run regardless.
 */
public final class ApplicationWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApplicationWatcher.class);

    /** What the agent does with Applications. */
    public interface Listener {
        /** Added, or its spec, finalizers or deletion changed. */
        void applied(ApplicationResource resource, Map<String, Object> status);

        /** Gone from the API. */
        void deleted(ApplicationResource resource);
    }

    /** A new leader finds Applications awaiting deletion within this time. */
    private static final long RESYNC_MILLIS = 60_000;

    private static final long CRD_POLL_SECONDS = 10;

    private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();
    private final AtomicBoolean warned = new AtomicBoolean();
    private final KubernetesClient client;
    private final java.util.concurrent.ScheduledExecutorService waiting = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "application-crd-wait");
                t.setDaemon(true);
                return t;
            });

    public ApplicationWatcher(KubernetesClient client, List<String> namespaces, String agentNamespace,
                              dev.capstan.config.AgentConfig.Tenancy tenancy, Listener listener) {
        this.client = client;
        var op = dev.capstan.resource.ApplicationApi.of(client);
        ResourceEventHandler<GenericKubernetesResource> handler = new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource obj) {
                listener.applied(parse(obj), status(obj));
            }

            @Override
            public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource now) {
                if (matters(before, now) || now.getMetadata().getDeletionTimestamp() != null) { // resyncs retry finalizing
                    listener.applied(parse(now), status(now));
                }
            }

            @Override
            public void onDelete(GenericKubernetesResource obj, boolean unknownFinalState) {
                listener.deleted(parse(obj));
            }

            private ApplicationResource parse(GenericKubernetesResource obj) {
                return ApplicationResource.parse(asMap(client, obj), agentNamespace, tenancy);
            }
        };
        List<SharedIndexInformer<GenericKubernetesResource>> created = new ArrayList<>();
        if (namespaces.contains(dev.capstan.config.AgentConfig.ALL_NAMESPACES)) {
            created.add(op.inAnyNamespace().runnableInformer(RESYNC_MILLIS));
        } else {
            namespaces.forEach(ns -> created.add(op.inNamespace(ns).runnableInformer(RESYNC_MILLIS)));
        }
        for (SharedIndexInformer<GenericKubernetesResource> informer : created) {
            informer.addEventHandler(handler);
            informer.exceptionHandler((started, t) -> {
                LOG.warn("watching Application resources failed ({}); retrying", t.getMessage());
                return true;
            });
            informers.add(informer);
        }
    }

    /** Starts the informers now if Applications are served, else as soon as they are. */
    public ApplicationWatcher start() {
        waiting.execute(this::startWhenServed);
        return this;
    }

    private void startWhenServed() {
        if (served()) {
            informers.forEach(SharedIndexInformer::start);
            waiting.shutdown();
            return;
        }
        if (warned.compareAndSet(false, true)) {
            LOG.info("Application resources are not served yet (install the CRD: kubectl apply -f deploy/crd-application.yaml); "
                    + "config-file applications run meanwhile");
        }
        waiting.schedule(this::startWhenServed, CRD_POLL_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
    }

    private boolean served() {
        try {
            var resources = client.getApiResources(ApplicationResource.API_VERSION);
            return resources != null && resources.getResources().stream().anyMatch(r -> r.getName().equals("applications"));
        } catch (RuntimeException e) {
            return false;
        }
    }


    private static boolean matters(GenericKubernetesResource before, GenericKubernetesResource now) {
        var a = before.getMetadata();
        var b = now.getMetadata();
        return !Objects.equals(a.getGeneration(), b.getGeneration()) || !Objects.equals(a.getFinalizers(), b.getFinalizers())
                || !Objects.equals(a.getDeletionTimestamp(), b.getDeletionTimestamp()) || !Objects.equals(a.getUid(), b.getUid());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(KubernetesClient client, GenericKubernetesResource obj) {
        return client.getKubernetesSerialization().convertValue(obj, Map.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> status(GenericKubernetesResource obj) {
        return obj.getAdditionalProperties().get("status") instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    @Override
    public void close() {
        waiting.shutdownNow();
        informers.forEach(SharedIndexInformer::close);
    }
}
