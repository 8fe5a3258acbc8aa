package dev.capstan.cluster;

import dev.capstan.plan.ObjectRef;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kubernetes Events about managed objects ({@code kubectl describe} and
 * {@code kubectl get events} show them next to the controllers' own). Messages name
 * fields, never values, so no secret reaches an Event. Failures are logged, not raised:
 * an Event is a courtesy, never a reason to fail a sync.
 */
public final class EventRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

    private final KubernetesClient client;

    public EventRecorder(KubernetesClient client) {
        this.client = client;
    }

    public void record(String apiVersion, ObjectRef ref, String type, String reason, String message) {
        record(apiVersion, ref, null, type, reason, message);
    }

    /** @param uid the object's uid, when known: {@code kubectl describe} matches Events by it */
    public void record(String apiVersion, ObjectRef ref, String uid, String type, String reason, String message) {
        String ns = ref.namespace().isEmpty() ? "default" : ref.namespace();
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        try {
            client.v1().events().inNamespace(ns).resource(new EventBuilder()
                    .withNewMetadata().withGenerateName(ref.name() + ".").withNamespace(ns).endMetadata()
                    .withNewInvolvedObject().withApiVersion(apiVersion).withKind(ref.kind()).withName(ref.name())
                    .withNamespace(ref.namespace().isEmpty() ? null : ref.namespace()).withUid(uid).endInvolvedObject()
                    .withType(type).withReason(reason).withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .withNewSource().withComponent("capstan").endSource()
                    .build()).create();
        } catch (KubernetesClientException e) {
            LOG.warn("cannot record event {} for {}: {}", reason, ref, e.getMessage());
        }
    }
}
