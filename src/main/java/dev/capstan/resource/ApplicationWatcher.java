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

    private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();
    private final AtomicBoolean warned = new AtomicBoolean();

    public ApplicationWatcher(KubernetesClient client, List<String> namespaces, String agentNamespace,
                              dev.capstan.config.AgentConfig.Tenancy tenancy, Listener listener) {
        var op = client.genericKubernetesResources(ApplicationResource.API_VERSION, ApplicationResource.KIND);
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
                if (warned.compareAndSet(false, true)) {
                    LOG.warn("cannot watch Application resources ({}); is the CRD installed? "
                            + "kubectl apply -f deploy/crd-application.yaml. Retrying.", t.getMessage());
                }
                return true;
            });
            informers.add(informer);
        }
    }

    public ApplicationWatcher start() {
        informers.forEach(SharedIndexInformer::start);
        return this;
    }

    /** Whether every informer has listed once. */
    public boolean synced() {
        return informers.stream().allMatch(SharedIndexInformer::hasSynced);
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
        informers.forEach(SharedIndexInformer::close);
    }
}
