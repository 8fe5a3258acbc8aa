package dev.capstan.apply;

import dev.capstan.cluster.DiscoveryCache;
import dev.capstan.plan.Ownership;
import dev.capstan.plan.PlanEntry;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Deletes objects that left Git, in reverse apply order, with background propagation.
 * An object is deleted only if it is still there, its tracking id names this app and
 * this very object (a copy carrying another app's id is someone else's), and it is not
 * annotated {@code capstan.dev/prune: disabled}. The caller decides whether pruning may
 * run at all (never after a failed render, validation or apply).
 */
public final class Pruner {

    private final KubernetesClient client;
    private final DiscoveryCache discovery;

    public Pruner(KubernetesClient client, DiscoveryCache discovery) {
        this.client = client;
        this.discovery = discovery;
    }

    /**
     * @param stale PRUNE entries, already in reverse apply order
     * @return what was pruned or skipped; objects that failed to delete are FAILED entries
     */
    public ChangeSet prune(String app, List<PlanEntry> stale) {
        ChangeSet changes = new ChangeSet();
        for (PlanEntry e : stale) {
            Optional<ResourceDefinitionContext> ctx = discovery.current().context(e.apiVersion(), e.ref().kind());
            if (ctx.isEmpty()) {
                changes.add(new Change(e.ref(), Action.SKIPPED, "not pruned: the cluster no longer serves " + e.apiVersion()));
                continue;
            }
            var op = client.genericKubernetesResources(ctx.get());
            Resource<GenericKubernetesResource> r = e.ref().namespace().isEmpty()
                    ? op.withName(e.ref().name()) : op.inNamespace(e.ref().namespace()).withName(e.ref().name());
            try {
                GenericKubernetesResource live = r.get();
                if (live == null) {
                    changes.add(new Change(e.ref(), Action.SKIPPED, "already deleted"));
                    continue;
                }
                Map<String, String> annotations = live.getMetadata().getAnnotations() == null
                        ? Map.of() : live.getMetadata().getAnnotations();
                String expected = Ownership.trackingId(app, e.ref());
                String actual = annotations.get(Ownership.TRACKING_ID);
                if (!expected.equals(actual)) {
                    changes.add(new Change(e.ref(), Action.SKIPPED, "not pruned: tracking id is "
                            + (actual == null ? "missing" : "\"" + actual + "\"") + ", not this app's"));
                    continue;
                }
                if ("disabled".equals(annotations.get(Ownership.PRUNE))) {
                    changes.add(new Change(e.ref(), Action.SKIPPED, "not pruned: " + Ownership.PRUNE + ": disabled"));
                    continue;
                }
                r.withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
                changes.add(new Change(e.ref(), Action.PRUNED, ""));
            } catch (KubernetesClientException ex) {
                changes.add(new Change(e.ref(), Action.FAILED, "prune failed: " + ApiError.of(ex, java.util.Map.of()).text()));
            }
        }
        return changes;
    }
}
