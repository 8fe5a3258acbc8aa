package dev.capstan.engine;

import dev.capstan.apply.Action;
import dev.capstan.apply.ApplyException;
import dev.capstan.apply.Change;
import dev.capstan.apply.ChangeSet;
import dev.capstan.apply.DryRun;
import dev.capstan.apply.WaveResult;
import dev.capstan.config.ApplicationSpec;
import dev.capstan.health.AppliedVersion;
import dev.capstan.health.Health;
import dev.capstan.health.HealthChecks;
import dev.capstan.health.HealthReport;
import dev.capstan.health.HealthStatus;
import dev.capstan.health.ObjectHealth;
import dev.capstan.health.RolloutWaiter;
import dev.capstan.plan.DesiredObject;
import dev.capstan.plan.DesiredObjects;
import dev.capstan.plan.Inventory;
import dev.capstan.plan.ObjectRef;
import dev.capstan.plan.Plan;
import dev.capstan.plan.PlanEntry;
import dev.capstan.plan.Wave;
import dev.capstan.render.Problem;
import dev.capstan.render.RenderException;
import dev.capstan.source.GitSourceException;
import dev.capstan.source.Revision;
import dev.capstan.source.RevisionSource;
import dev.capstan.source.RevisionTree;
import java.io.FileNotFoundException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An in-memory world for the engine: a Git history of object lists, a cluster that
 * stores what is applied, health and failures chosen per object, and a log of every verb
 * the engine called, in order. It decides nothing the engine should decide.
 */
final class FakeCluster implements EnginePorts.Render, EnginePorts.LiveState, EnginePorts.Apply, EnginePorts.Prune,
        EnginePorts.Health, EnginePorts.Inventories, RevisionSource {

    final List<String> calls = new ArrayList<>();
    final List<Inventory> inventoryWrites = new ArrayList<>();
    final Map<ObjectRef, Map<String, Object>> live = new LinkedHashMap<>();
    private final Map<String, DesiredState> rendered = new java.util.HashMap<>();
    boolean memoizeRenders;
    final Set<ObjectRef> failDryRun = new HashSet<>();
    final Set<ObjectRef> failApply = new HashSet<>();
    /** Objects the server refuses for good (an immutable field): the apply throws a permanent ApplyException. */
    final Set<ObjectRef> refuseApply = new HashSet<>();
    final Set<ObjectRef> failPrune = new HashSet<>();
    /** Values of {@code data.key} that never become healthy (as an image tag that crash-loops would). */
    final Set<String> crashing = new HashSet<>();
    final Set<String> unrenderable = new HashSet<>();
    boolean gitDown;
    /** The inventory write is refused, as a Role without create on ConfigMaps refuses it. */
    boolean inventoryRefused;
    /** The agent dies right after a wave's objects reached the cluster (its process killed, here an exception). */
    boolean killedAfterApply;
    /** Commits whose history does not hold the ones before them (a force-push, another repository). */
    final Set<String> rewritten = new HashSet<>();

    private final Map<String, List<Map<String, Object>>> commits = new LinkedHashMap<>();
    private final Map<String, Revision> revisions = new HashMap<>();
    private String head;
    private Inventory inventory = Inventory.empty();
    private int resourceVersion;

    /** Commits {@code manifests} as the new head; returns its sha. */
    String commit(String subject, List<Map<String, Object>> manifests) {
        String sha = String.format("%040x", commits.size() + 1);
        commits.put(sha, manifests);
        revisions.put(sha, new Revision("main", sha, subject, Instant.EPOCH));
        head = sha;
        return sha;
    }

    static Map<String, Object> configMap(String name, int wave) {
        return configMap(name, wave, name);
    }

    /** A ConfigMap whose {@code data.key} stands for its version: healthy unless listed in {@link #crashing}. */
    static Map<String, Object> configMap(String name, int wave, String version) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", name);
        meta.put("namespace", "shop");
        meta.put("annotations", new LinkedHashMap<>(Map.of("capstan.dev/wave", String.valueOf(wave))));
        Map<String, Object> cm = new LinkedHashMap<>();
        cm.put("apiVersion", "v1");
        cm.put("kind", "ConfigMap");
        cm.put("metadata", meta);
        cm.put("data", new LinkedHashMap<>(Map.of("key", version)));
        return cm;
    }

    /** A Service of {@code type}, with {@code annotations}. */
    static Map<String, Object> service(String name, String type, Map<String, String> annotations) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", name);
        meta.put("namespace", "shop");
        meta.put("annotations", new LinkedHashMap<>(annotations));
        Map<String, Object> svc = new LinkedHashMap<>();
        svc.put("apiVersion", "v1");
        svc.put("kind", "Service");
        svc.put("metadata", meta);
        svc.put("spec", new LinkedHashMap<>(Map.of("type", type, "ports", List.of(Map.of("port", 80)))));
        return svc;
    }

    static ObjectRef ref(String name) {
        return new ObjectRef("", "ConfigMap", "shop", name);
    }

    Inventory inventory() {
        return inventory;
    }

    // --- source ---

    @Override
    public RevisionTree sync() throws GitSourceException {
        calls.add("fetch");
        if (gitDown) {
            throw new GitSourceException("cannot reach git://example/repo.git");
        }
        return tree(head);
    }

    @Override
    public java.util.Optional<Boolean> descendsFrom(String sha, String ancestor) {
        return java.util.Optional.of(!rewritten.contains(sha));
    }

    @Override
    public RevisionTree snapshotAt(String sha) throws GitSourceException {
        calls.add("fetch " + sha.substring(36));
        return tree(sha);
    }

    private RevisionTree tree(String sha) {
        Revision revision = revisions.get(sha);
        return new RevisionTree() {
            @Override
            public Revision revision() {
                return revision;
            }

            @Override
            public List<TreeEntry> walk(String dir) {
                return List.of();
            }

            @Override
            public byte[] read(String path) throws FileNotFoundException {
                throw new FileNotFoundException(path);
            }

            @Override
            public String describe() {
                return "commit " + sha;
            }
        };
    }

    // --- render ---

    @Override
    public DesiredState render(ApplicationSpec app, RevisionTree tree) throws RenderException {
        String sha = tree.revision().sha();
        calls.add("render " + sha.substring(36));
        if (memoizeRenders && rendered.containsKey(sha)) {
            return rendered.get(sha); // as DesiredStateBuilder does: the same commit, the same instance
        }
        if (unrenderable.contains(sha)) {
            throw new RenderException(List.of(Problem.error("app.yaml", 3, "", "invalid YAML: mapping values are not allowed here")));
        }
        List<DesiredObject> objects = new ArrayList<>();
        for (Map<String, Object> m : commits.get(sha)) {
            Map<?, ?> meta = (Map<?, ?>) m.get("metadata");
            ObjectRef ref = new ObjectRef("", (String) m.get("kind"), "shop", (String) meta.get("name"));
            objects.add(DesiredObjects.prepare(app.name(), ref, "v1", m, "app.yaml"));
        }
        DesiredState state = new DesiredState(objects, List.of());
        rendered.put(sha, state);
        return state;
    }

    // --- cluster reads ---

    @Override
    public long changes(java.util.Set<String> namespaces) {
        return live.hashCode(); // tests also edit live directly: its content is the only reliable stamp
    }

    @Override
    public Optional<Map<String, Object>> find(String apiVersion, ObjectRef ref) {
        return Optional.ofNullable(live.get(ref));
    }

    @Override
    public void watch(String apiVersion, String kind) {
    }

    // --- apply ---

    @Override
    public DryRun dryRun(String app, Plan plan, boolean recreate) throws ApplyException {
        calls.add("dry-run");
        ChangeSet changes = new ChangeSet();
        for (PlanEntry e : plan.entries()) {
            if (e.changes() && failDryRun.contains(e.ref())) {
                changes.add(new Change(e.ref(), Action.FAILED, "dry-run failed (Invalid)"));
                throw new ApplyException(e.ref() + ": dry-run failed (Invalid)", changes, e.ref());
            }
        }
        return DryRun.none();
    }

    @Override
    public WaveResult applyWave(String app, Wave wave, DryRun dryRun) throws ApplyException {
        calls.add("apply wave " + wave.number());
        ChangeSet changes = new ChangeSet();
        Map<ObjectRef, AppliedVersion> applied = new HashMap<>();
        for (PlanEntry e : wave.changed()) {
            if (failApply.contains(e.ref())) {
                changes.add(new Change(e.ref(), Action.FAILED, "apply failed (Invalid)"));
                throw new ApplyException(e.ref() + ": apply failed (Invalid)", changes, e.ref());
            }
            if (refuseApply.contains(e.ref())) {
                changes.add(new Change(e.ref(), Action.FAILED, "apply failed: spec.template: field is immutable"));
                throw new ApplyException(e.ref() + ": apply failed: spec.template: field is immutable", changes, e.ref(), true);
            }
            boolean existed = live.containsKey(e.ref());
            live.put(e.ref(), e.desired().body());
            applied.put(e.ref(), new AppliedVersion(String.valueOf(++resourceVersion), null));
            changes.add(new Change(e.ref(), existed ? Action.CONFIGURED : Action.CREATED, ""));
        }
        if (killedAfterApply) {
            throw new IllegalStateException("killed");
        }
        return new WaveResult(changes, applied);
    }

    @Override
    public ChangeSet prune(String app, List<PlanEntry> stale) {
        calls.add("prune " + stale.stream().map(e -> e.ref().name()).toList());
        ChangeSet changes = new ChangeSet();
        for (PlanEntry e : stale) {
            if (failPrune.contains(e.ref())) {
                changes.add(new Change(e.ref(), Action.FAILED, "prune failed (Forbidden)"));
            } else {
                live.remove(e.ref());
                changes.add(new Change(e.ref(), Action.PRUNED, ""));
            }
        }
        return changes;
    }

    // --- health ---

    @Override
    public HealthReport assess(List<RolloutWaiter.Target> targets) {
        calls.add("assess");
        return report(targets, false);
    }

    @Override
    public HealthReport await(List<RolloutWaiter.Target> targets, Duration timeout, Duration stableFor,
                              java.util.function.Consumer<HealthReport> progress) {
        calls.add("await " + targets.stream().map(t -> t.ref().name()).toList());
        HealthReport report = report(targets, true);
        if (!report.done()) {
            progress.accept(report(targets, false)); // as the real waiter: progress while it waits, then the verdict
        }
        return report;
    }

    /**
     * Health by the real checks over what was applied (no status: a ConfigMap is Healthy, a LoadBalancer
     * Service waits for its address), except versions listed in {@link #crashing}, which are Degraded. A wait
     * that does not end healthy ends as the real waiter does: Degraded at once, else at the deadline.
     */
    private HealthReport report(List<RolloutWaiter.Target> targets, boolean waited) {
        List<ObjectHealth> out = new ArrayList<>();
        for (RolloutWaiter.Target t : targets) {
            Map<String, Object> body = live.get(t.ref());
            Health h = body == null ? Health.missing("not found in the cluster")
                    : crashing.contains(dataKey(body)) ? Health.degraded("CrashLoopBackOff") : HealthChecks.assess(body);
            out.add(new ObjectHealth(t.ref(), h));
        }
        HealthReport report = new HealthReport(out, false);
        return waited && !report.done() && report.worst() != HealthStatus.Degraded ? new HealthReport(out, true) : report;
    }

    private static String dataKey(Map<String, Object> body) {
        return body.get("data") instanceof Map<?, ?> data ? String.valueOf(data.get("key")) : "";
    }

    // --- inventory ---

    @Override
    public Inventory read(String app) {
        return inventory;
    }

    @Override
    public void write(String app, Inventory value) {
        if (inventoryRefused) {
            throw new IllegalStateException("configmaps \"capstan-inventory-" + app + "\" is forbidden");
        }
        calls.add("inventory " + value.entries().stream().map(e -> e.ref().name()).toList() + " at " + tail(value.revision())
                + ", healthy " + tail(value.healthyRevision()));
        inventoryWrites.add(value);
        inventory = value;
    }

    private static String tail(String sha) {
        return sha.isEmpty() ? "-" : sha.substring(36);
    }

    EnginePorts ports() {
        return new EnginePorts(this, this, this, this, this, this);
    }
}
