package dev.capstan.resource;

import dev.capstan.config.ApplicationResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes Applications' {@code .status} (a merge patch of the status subresource) and their
 * Events, off the sync threads. Status updates are coalesced per resource: a burst of
 * progress reports costs one request, and a status equal to the last written costs none.
 * Failures are logged, never raised: a status write must not fail a sync.
 */
public final class ApplicationStatusWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApplicationStatusWriter.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final KubernetesClient client;
    private final dev.capstan.cluster.EventRecorder events;
    private final Map<String, Map<String, Object>> pending = new ConcurrentHashMap<>();
    private final Map<String, ApplicationRef> refs = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> written = new ConcurrentHashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "application-status");
        t.setDaemon(true);
        return t;
    });

    public ApplicationStatusWriter(KubernetesClient client) {
        this.client = client;
        this.events = new dev.capstan.cluster.EventRecorder(client);
    }

    /** The status last written for the resource (its conditions keep their transition times). */
    public Map<String, Object> lastWritten(ApplicationRef ref) {
        return written.getOrDefault(key(ref), Map.of());
    }

    /** Seeds what the resource's status is now (read from the API), so an unchanged status is not written again. */
    public void observed(ApplicationRef ref, Map<String, Object> status) {
        if (status != null) {
            written.putIfAbsent(key(ref), status);
        }
    }

    public void write(ApplicationRef ref, Map<String, Object> status) {
        String key = key(ref);
        refs.put(key, ref);
        if (pending.put(key, status) == null) {
            worker.execute(() -> flush(key));
        }
    }

    /** The resource is gone: nothing more to write, nothing to remember. */
    public void forget(ApplicationRef ref) {
        String key = key(ref);
        pending.remove(key);
        written.remove(key);
        refs.remove(key);
    }

    private void flush(String key) {
        Map<String, Object> status = pending.remove(key);
        ApplicationRef ref = refs.get(key);
        if (status == null || ref == null || status.equals(written.get(key))) {
            return;
        }
        try {
            dev.capstan.resource.ApplicationApi.of(client)
                    .inNamespace(ref.namespace()).withName(ref.name()).status()
                    .patch(PatchContext.of(PatchType.JSON_MERGE), JSON.writeValueAsString(Map.of("status", status)));
            written.put(key, status);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                LOG.warn("cannot write the status of {}: {}", ref, e.getMessage());
            }
        }
    }

    /** An Event on the Application ({@code kubectl describe application NAME} shows it). */
    public void event(ApplicationRef ref, String type, String reason, String message) {
        dev.capstan.plan.ObjectRef object = new dev.capstan.plan.ObjectRef(ApplicationResource.GROUP, ApplicationResource.KIND,
                ref.namespace(), ref.name());
        worker.execute(() -> events.record(ApplicationResource.API_VERSION, object, ref.uid(), type, reason, message));
    }

    private static String key(ApplicationRef ref) {
        return ref.namespace() + "/" + ref.name();
    }

    @Override
    public void close() {
        worker.shutdown();
        try {
            worker.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
