package dev.capstan.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks this replica's own Pod {@value #LABEL}{@code =true} while it answers the status API and
 * webhooks (it leads, runs alone, or is a shard member), so deploy/'s Service selects it and a
 * standby only by that label, not by readiness. Readiness cannot say it: a standby that is never
 * Ready stalls every rolling update of the agent's Deployment (seen on a real node: the surge
 * pod stands by, so the rollout never completes). Needs the Pod's name and namespace from the
 * downward API ({@code POD_NAME}, {@code POD_NAMESPACE}); without them (not in a Pod) it does
 * nothing.
 */
public final class ServingLabel {

    public static final String LABEL = "capstan.dev/serving";
    private static final Logger LOG = LoggerFactory.getLogger(ServingLabel.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String pod;
    private volatile Boolean last;

    private ServingLabel(KubernetesClient client, String namespace, String pod) {
        this.client = client;
        this.namespace = namespace;
        this.pod = pod;
    }

    public static ServingLabel of(KubernetesClient client, Map<String, String> env) {
        String pod = env.get("POD_NAME");
        String namespace = env.get("POD_NAMESPACE");
        return new ServingLabel(client, blankToNull(namespace), blankToNull(pod));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** Sets or removes the label; a failure is logged (the Service then keeps its last view), never thrown. */
    public synchronized void set(boolean serving) {
        if (pod == null || namespace == null || Boolean.valueOf(serving).equals(last)) {
            return;
        }
        String value = serving ? "\"true\"" : "null";
        try {
            client.pods().inNamespace(namespace).withName(pod).patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"metadata\": {\"labels\": {\"" + LABEL + "\": " + value + "}}}");
            last = serving;
            LOG.info("pod {}/{}: {} (label {})", namespace, pod, serving ? "serving the status API and webhooks" : "standing by", LABEL);
        } catch (KubernetesClientException e) {
            LOG.warn("pod {}/{}: cannot {} label {} ({}): the Service keeps routing as before", namespace, pod,
                    serving ? "set" : "remove", LABEL, e.getMessage());
        }
    }
}
