package dev.capstan.apply;

import dev.capstan.cluster.DiscoveryCache;
import dev.capstan.health.AppliedVersion;
import dev.capstan.plan.ApplyOrder;
import dev.capstan.plan.Hooks;
import dev.capstan.plan.ObjectRef;
import dev.capstan.plan.Ownership;
import dev.capstan.plan.Plan;
import dev.capstan.plan.PlanEntry;
import dev.capstan.plan.Wave;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-side apply of a plan's changed objects, as two verbs the engine calls in turn:
 * {@link #dryRun} validates the whole change set before anything is mutated, and
 * {@link #applyWave} applies one wave in two stages (CRDs and Namespaces first, awaited
 * until Established / Active, then everything else in the plan's order). What happens
 * between waves (the health gate) is the engine's business, not the applier's.
 */
public final class Applier {

    private static final Logger LOG = LoggerFactory.getLogger(Applier.class);

    private final KubernetesClient client;
    private final DiscoveryCache discovery;
    private final ApplyOptions options;
    /** The same identity without the client's own retries: {@link DryRunRetry} decides for dry-runs. */
    private final KubernetesClient dryRunClient;

    private final ApplyPool pool;
    private final ProvenCreates provenCreates;

    /**
     * @param dryRunClient the same identity as {@code client} (impersonation included: a dry-run must be refused
     *        exactly where the apply would be) without the client's own retries
     */
    public Applier(KubernetesClient client, KubernetesClient dryRunClient, DiscoveryCache discovery, ApplyOptions options) {
        this.client = client;
        this.dryRunClient = dryRunClient;
        this.discovery = discovery;
        this.options = options;
        this.provenCreates = new ProvenCreates(client, discovery);
        this.pool = new ApplyPool(options.parallelism());
    }

    /**
     * Validates the whole change set with a server-side dry-run before anything is mutated:
     * one invalid object and nothing is applied. Objects whose Namespace or kind this same
     * sync creates cannot be validated yet; {@link #applyWave} dry-runs them once stage one
     * of their wave made them servable (as Argo CD does). Creates {@link ProvenCreates} proves
     * valid and admissible send none: their dry-run could not fail.
     *
     * @param recreate the app's {@code sync.recreate}: objects refused for immutable fields may be deleted and created again
     * @throws ApplyException naming every object that failed, the others recorded as skipped
     */
    public DryRun dryRun(String app, Plan plan, boolean recreate) throws ApplyException {
        List<PlanEntry> changed = plan.entries().stream().filter(PlanEntry::changes).toList();
        Set<String> newNamespaces = new HashSet<>();
        changed.stream().filter(e -> ApplyOrder.isStageOne(e.ref()) && e.ref().kind().equals("Namespace"))
                .forEach(e -> newNamespaces.add(e.ref().name()));
        List<PlanEntry> validateNow = new ArrayList<>();
        Set<ObjectRef> validateLater = new HashSet<>();
        for (PlanEntry e : changed) {
            boolean served = discovery.current().context(e.apiVersion(), e.ref().kind()).isPresent();
            if (ApplyOrder.isStageOne(e.ref()) || served && !newNamespaces.contains(e.ref().namespace())) {
                validateNow.add(e);
            } else {
                validateLater.add(e.ref());
            }
        }
        Map<ObjectRef, Boolean> exists = new ConcurrentHashMap<>();
        Map<ObjectRef, String> recreated = new ConcurrentHashMap<>();
        Set<ObjectRef> proven = options.skipProvenDryRuns() ? provenCreates.select(validateNow) : Set.of();
        proven.forEach(ref -> exists.put(ref, false));
        validate(app, validateNow.stream().filter(e -> !proven.contains(e.ref())).toList(), exists, recreated, recreate,
                new ChangeSet(), false);
        return new DryRun(exists, validateLater, recreated, recreate);
    }

    /**
     * Applies the creates and updates of one wave: its CRDs and Namespaces first (waiting
     * until they are Established / Active), then the dry-run of what had to wait for them,
     * then the rest in order. Stops at the first failure.
     *
     * @throws ApplyException naming the object that failed; its changes hold what this wave applied before
     */
    public WaveResult applyWave(String app, Wave wave, DryRun dryRun) throws ApplyException {
        ChangeSet changes = new ChangeSet();
        Map<ObjectRef, Boolean> exists = new ConcurrentHashMap<>(dryRun.exists());
        Map<ObjectRef, String> recreate = new ConcurrentHashMap<>(dryRun.recreate());
        Map<ObjectRef, AppliedVersion> applied = new ConcurrentHashMap<>();
        List<PlanEntry> stageOne = new ArrayList<>();
        List<PlanEntry> stageTwo = new ArrayList<>();
        for (PlanEntry e : wave.changed()) {
            (ApplyOrder.isStageOne(e.ref()) ? stageOne : stageTwo).add(e);
        }
        applyAll(stageOne, exists, recreate, changes, applied);
        waitForStageOne(stageOne, changes);
        List<PlanEntry> deferred = stageTwo.stream().filter(e -> dryRun.deferred().contains(e.ref())).toList();
        if (stageOne.stream().anyMatch(e -> e.ref().kind().equals("CustomResourceDefinition")) || !deferred.isEmpty()) {
            discovery.refresh();
        }
        validate(app, deferred, exists, recreate, dryRun.recreateAll(), changes, true);
        applyAll(stageTwo, exists, recreate, changes, applied);
        return new WaveResult(changes, applied);
    }

    /**
     * Validates every entry with a server-side dry-run (in parallel); all failures are
     * reported together, in plan order, and the others recorded as skipped.
     *
     * @param justServed the entries' kinds or namespaces were created by this sync: a CRD's
     *     endpoint can answer 404 for a moment after it reports Established, so retry those
     */
    private void validate(String app, List<PlanEntry> entries, Map<ObjectRef, Boolean> exists, Map<ObjectRef, String> recreate,
                          boolean recreateAll, ChangeSet changes, boolean justServed) throws ApplyException {
        java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();
        List<Problem> problems = pool.map(entries, e -> validate(app, e, exists, recreate, recreateAll, justServed, failing));
        List<String[]> failures = new ArrayList<>();
        List<ObjectRef> failed = new ArrayList<>();
        boolean permanent = false;
        for (int i = 0; i < entries.size(); i++) {
            if (problems.get(i) != null) {
                failures.add(new String[] {entries.get(i).desired().describe(), problems.get(i).text()});
                failed.add(entries.get(i).ref());
                permanent |= problems.get(i).permanent();
            }
        }
        if (!failures.isEmpty()) {
            for (int i = 0; i < entries.size(); i++) {
                PlanEntry e = entries.get(i);
                changes.add(problems.get(i) != null ? new Change(e.ref(), Action.FAILED, problems.get(i).text())
                        : new Change(e.ref(), Action.SKIPPED, "not applied: the change set failed validation"));
            }
            throw new ApplyException(Failures.summarize(failures), changes, failed.size() == 1 ? failed.get(0) : null, permanent);
        }
    }

    /** A changed hook with delete policy before-hook-creation: the old one goes, so the new one runs afresh. */
    private static boolean rerunHook(PlanEntry e) {
        return e.kind() == PlanEntry.Kind.UPDATE && Hooks.of(e.desired().body())
                .map(h -> h.deletes(Hooks.DeletePolicy.BEFORE_HOOK_CREATION)).orElse(false);
    }

    /** Why one object cannot be applied, and whether only a new commit can change that. */
    private record Problem(String text, boolean permanent) {
    }

    /**
     * One dry-run; records whether the object exists, and which objects are refused only
     * for immutable fields and may be recreated. Returns the problem, or null when valid.
     */
    private Problem validate(String app, PlanEntry e, Map<ObjectRef, Boolean> exists, Map<ObjectRef, String> recreate,
                             boolean recreateAll, boolean justServed, java.util.concurrent.atomic.AtomicBoolean failing) {
        try {
            GenericKubernetesResource result = dryRunWithRetry(e, justServed, failing);
            // A dry-run create has no resourceVersion: the object does not exist yet.
            String rv = result.getMetadata().getResourceVersion();
            boolean existing = rv != null && !rv.isEmpty();
            exists.put(e.ref(), existing);
            String owner = Ownership.appOf(annotation(result, Ownership.TRACKING_ID));
            if (existing && owner != null && !owner.equals(app)) {
                return new Problem("owned by application \"" + owner + "\"; remove it from one of the two apps", false);
            }
            if (existing && rerunHook(e)) {
                recreate.put(e.ref(), "hook changed: the previous one deleted first (before-hook-creation)");
            }
            return null;
        } catch (KubernetesClientException ex) {
            ApiError error = ApiError.of(ex, e.desired().body());
            if (error.immutable()) {
                Recreate.Verdict verdict = Recreate.judge(e.ref(), e.desired().body(), recreateAll);
                if (rerunHook(e)) {
                    exists.put(e.ref(), true);
                    recreate.put(e.ref(), "hook changed: the previous one deleted first (before-hook-creation)");
                    return null;
                }
                if (verdict.allowed()) {
                    exists.put(e.ref(), true);
                    recreate.put(e.ref(), error.text());
                    return null;
                }
                return new Problem("dry-run failed: " + error.text() + "; " + verdict.hint(), true);
            }
            return new Problem("dry-run failed: " + error.text(), error.permanent());
        } catch (MissingKindException ex) {
            return new Problem(ex.getMessage(), false);
        }
    }

    /**
     * Applies in order; runs of objects of one kind with no {@code depends-on} go in
     * parallel (kind order is the only order among them). Stops at the first failure.
     */
    private void applyAll(List<PlanEntry> entries, Map<ObjectRef, Boolean> exists, Map<ObjectRef, String> recreate,
                          ChangeSet changes, Map<ObjectRef, AppliedVersion> applied) throws ApplyException {
        int i = 0;
        while (i < entries.size()) {
            int j = i + 1;
            if (entries.get(i).desired().dependsOn().isEmpty()) {
                while (j < entries.size() && entries.get(j).ref().kind().equals(entries.get(i).ref().kind())
                        && entries.get(j).desired().dependsOn().isEmpty()) {
                    j++;
                }
            }
            List<PlanEntry> batch = entries.subList(i, j);
            List<Applied> results = pool.map(batch, e -> applyOne(e, exists, recreate, applied));
            int failedAt = -1;
            for (int k = 0; k < results.size(); k++) {
                changes.add(results.get(k).change());
                if (results.get(k).change().action() == Action.FAILED && failedAt < 0) {
                    failedAt = k;
                }
            }
            if (failedAt >= 0) {
                Applied failed = results.get(failedAt);
                throw new ApplyException(batch.get(failedAt).desired().describe() + ": " + failed.change().message(), changes,
                        batch.get(failedAt).ref(), failed.permanent());
            }
            i = j;
        }
    }

    /** How one apply went; {@code permanent} when the server refused it for good (invalid, immutable). */
    private record Applied(Change change, boolean permanent) {
        Applied(Change change) {
            this(change, false);
        }
    }

    private Applied applyOne(PlanEntry e, Map<ObjectRef, Boolean> exists, Map<ObjectRef, String> recreate,
                             Map<ObjectRef, AppliedVersion> applied) {
        String why = recreate.remove(e.ref());
        try {
            if (why != null) {
                deleteAndWait(e);
            }
            GenericKubernetesResource result = serverSideApply(resource(e), false);
            applied.put(e.ref(), new AppliedVersion(result.getMetadata().getResourceVersion(), result.getMetadata().getGeneration()));
            if (why != null) {
                return new Applied(new Change(e.ref(), Action.RECREATED, why));
            }
            Action action = Boolean.TRUE.equals(exists.get(e.ref())) || e.kind() == PlanEntry.Kind.UPDATE
                    ? Action.CONFIGURED : Action.CREATED;
            return new Applied(new Change(e.ref(), action, e.kind() == PlanEntry.Kind.UPDATE ? String.join(", ", e.paths()) : ""));
        } catch (KubernetesClientException ex) {
            ApiError error = ApiError.of(ex, e.desired().body());
            return new Applied(new Change(e.ref(), Action.FAILED, "apply failed: " + error.text()
                    + (error.immutable() ? "; " + Recreate.judge(e.ref(), e.desired().body(), false).hint() : "")),
                    error.permanent());
        } catch (MissingKindException ex) {
            return new Applied(new Change(e.ref(), Action.FAILED, ex.getMessage()));
        }
    }

    /**
     * Deletes the object in the foreground (its dependents first, as a Job's pods) and
     * waits until it is gone, so that the create that follows starts afresh.
     */
    private void deleteAndWait(PlanEntry e) throws MissingKindException {
        Resource<GenericKubernetesResource> r = resource(e);
        r.withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.FOREGROUND).delete();
        long deadline = System.nanoTime() + options.stageTimeout().toNanos();
        while (r.get() != null) {
            if (System.nanoTime() > deadline) {
                throw new KubernetesClientException("deleted for recreation, but still there after "
                        + options.stageTimeout().toSeconds() + "s (a finalizer holds it?)");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new KubernetesClientException("interrupted while waiting for the deletion");
            }
        }
    }

    /** @param failing set once a dry-run of this sync spent its attempts on a transient failure: the rest are sent once */
    private GenericKubernetesResource dryRunWithRetry(PlanEntry e, boolean justServed,
                                                      java.util.concurrent.atomic.AtomicBoolean failing) throws MissingKindException {
        for (int attempt = 1; ; attempt++) {
            try {
                return serverSideApply(resource(e, dryRunClient), true);
            } catch (KubernetesClientException ex) {
                Optional<java.time.Duration> wait = DryRunRetry.after(attempt, ex, justServed);
                if (wait.isEmpty() && DryRunRetry.transientFailure(ex, justServed)) {
                    failing.set(true); // attempts spent on a failing server: the others of this sync stop retrying
                }
                if (wait.isEmpty() || failing.get()) {
                    throw ex;
                }
                try {
                    Thread.sleep(wait.get().toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw ex;
                }
            }
        }
    }

    private GenericKubernetesResource serverSideApply(Resource<GenericKubernetesResource> r, boolean dryRun) {
        var applicable = (dryRun ? r.dryRun() : r).fieldManager(options.fieldManager());
        return options.force() ? applicable.forceConflicts().serverSideApply() : applicable.serverSideApply();
    }

    private void waitForStageOne(List<PlanEntry> stageOne, ChangeSet changes) throws ApplyException {
        for (PlanEntry e : stageOne) {
            ObjectRef ref = e.ref();
            boolean isCrd = ref.kind().equals("CustomResourceDefinition");
            try {
                resource(e).waitUntilCondition(r -> r != null && (isCrd ? established(r) : active(r)),
                        options.stageTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (KubernetesClientException | MissingKindException | IllegalStateException ex) {
                throw new ApplyException(e.desired().describe() + ": not " + (isCrd ? "Established" : "Active") + " within "
                        + options.stageTimeout().toSeconds() + "s", changes, ref);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static boolean established(GenericKubernetesResource crd) {
        Object status = crd.getAdditionalProperties().get("status");
        if (!(status instanceof Map<?, ?> s) || !(s.get("conditions") instanceof List<?> conditions)) {
            return false;
        }
        return conditions.stream().anyMatch(c -> c instanceof Map<?, ?> m && "Established".equals(m.get("type"))
                && "True".equals(m.get("status")));
    }

    private static boolean active(GenericKubernetesResource ns) {
        return ns.getAdditionalProperties().get("status") instanceof Map<?, ?> s && "Active".equals(s.get("phase"));
    }

    private Resource<GenericKubernetesResource> resource(PlanEntry e) throws MissingKindException {
        return resource(e, client);
    }

    private Resource<GenericKubernetesResource> resource(PlanEntry e, KubernetesClient client) throws MissingKindException {
        Optional<ResourceDefinitionContext> ctx = discovery.current().context(e.apiVersion(), e.ref().kind());
        if (ctx.isEmpty()) {
            throw new MissingKindException("the cluster does not serve " + e.apiVersion() + " " + e.ref().kind()
                    + "; install its CustomResourceDefinition (or fix apiVersion/kind)");
        }
        GenericKubernetesResource body = client.getKubernetesSerialization()
                .convertValue(e.desired().body(), GenericKubernetesResource.class);
        var op = client.genericKubernetesResources(ctx.get());
        return e.ref().namespace().isEmpty() ? op.resource(body) : op.inNamespace(e.ref().namespace()).resource(body);
    }

    private static String annotation(GenericKubernetesResource r, String key) {
        Map<String, String> a = r.getMetadata().getAnnotations();
        return a == null ? null : a.get(key);
    }

    static String reason(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getReason() != null ? " (" + e.getStatus().getReason() + ")" : "";
    }

    /** The API server's own message for a failed request, for people. */
    public static String message(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return e.getStatus().getMessage();
        }
        String cause = e.getCause() != null && e.getCause().getMessage() != null ? ": " + e.getCause().getMessage() : "";
        return "HTTP " + e.getCode() + cause;
    }

    /** The cluster does not serve the object's apiVersion and kind. */
    static final class MissingKindException extends Exception {
        MissingKindException(String message) {
            super(message);
        }
    }
}
