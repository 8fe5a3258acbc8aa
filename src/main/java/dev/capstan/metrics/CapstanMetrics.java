package dev.capstan.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.prometheus.metrics.core.metrics.Info;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * Every meter Capstan exports, in one place, named as Prometheus expects (base units,
 * {@code _total}, {@code _seconds}, prefix {@code capstan_}). Label values never carry
 * object contents, so no secret can reach a metric.
 */
public final class CapstanMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
    // Micrometer drops an "_info" suffix from gauge names, so this one is a native Prometheus Info metric.
    private final Info appInfo = Info.builder().name("capstan_app_info").help("Application revision and status")
            .labelNames("app", "revision", "sync_status", "health_status").register(registry.getPrometheusRegistry());
    private final Map<String, String[]> appInfoLabels = new ConcurrentHashMap<>();
    private final Map<String, DoubleAdder> timestamps = new ConcurrentHashMap<>();
    private final Map<String, MultiGauge> objectHealth = new ConcurrentHashMap<>();
    private final io.micrometer.core.instrument.binder.jvm.JvmGcMetrics gc = new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics();

    /**
     * The agent's own resources next to what it does: JVM memory, GC, threads and classes
     * (Micrometer's binders: {@code jvm_memory_used_bytes}, ...), the standard process family
     * ({@code process_cpu_seconds_total}, {@code process_resident_memory_bytes}, ...), and
     * the container's memory limit when there is one ({@code capstan_memory_limit_bytes}).
     */
    public CapstanMetrics() {
        this(java.nio.file.Path.of("/sys/fs/cgroup"));
    }

    /** @param cgroupRoot where the container's memory limit is read (tests point it elsewhere) */
    CapstanMetrics(java.nio.file.Path cgroupRoot) {
        new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics().bindTo(registry);
        io.prometheus.metrics.instrumentation.jvm.ProcessMetrics.builder().register(registry.getPrometheusRegistry());
        ContainerMemory.limitBytes(cgroupRoot).ifPresent(limit ->
                Gauge.builder("capstan_memory_limit_bytes", () -> limit).description("The container's memory limit (cgroup)")
                        .register(registry));
    }

    /** {@code capstan_kube_requests_total{verb}}: the agent's requests to the API server, read from live counters. */
    public void kubeRequests(Map<String, AtomicLong> counts) {
        for (String verb : new String[] {"get-or-list", "watch", "create", "patch", "update", "delete", "dry-run"}) {
            AtomicLong c = counts.computeIfAbsent(verb, v -> new AtomicLong());
            io.micrometer.core.instrument.FunctionCounter.builder("capstan_kube_requests", c, AtomicLong::get)
                    .description("Requests sent to the Kubernetes API server, by verb").tags("verb", verb).register(registry);
        }
    }

    /** Sharding: the live members this replica sees, and how many apps it runs. */
    public void shard(int members, int running) {
        gauge("capstan_shard_members", "Live agent replicas sharing the applications", Tags.empty()).set(members);
        gauge("capstan_shard_apps", "Applications this replica runs", Tags.empty()).set(running);
    }

    /** Stops the GC listener (several agents come and go in one test JVM). */
    @Override
    public void close() {
        gc.close();
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** One reconcile finished: {@code result} is succeeded or failed. */
    public void syncFinished(String app, String result, Duration duration) {
        Counter.builder("capstan_sync").description("Reconciles by result").tags("app", app, "result", result)
                .register(registry).increment();
        Timer.builder("capstan_sync_duration").description("Reconcile duration").tags("app", app)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry).record(duration);
        String key = app + "|" + result;
        DoubleAdder ts = timestamps.computeIfAbsent(key, k -> {
            DoubleAdder adder = new DoubleAdder();
            Gauge.builder("capstan_last_sync_timestamp_seconds", adder, DoubleAdder::sum)
                    .description("Unix time of the last reconcile with this result").tags("app", app, "result", result)
                    .register(registry);
            return adder;
        });
        ts.reset();
        ts.add(System.currentTimeMillis() / 1000.0);
    }

    /** Objects by state after a reconcile: in_sync, out_of_sync, missing. */
    public void resources(String app, long inSync, long outOfSync, long missing) {
        gauge("capstan_resources", "Managed objects by state", Tags.of("app", app, "state", "in_sync")).set(inSync);
        gauge("capstan_resources", "Managed objects by state", Tags.of("app", app, "state", "out_of_sync")).set(outOfSync);
        gauge("capstan_resources", "Managed objects by state", Tags.of("app", app, "state", "missing")).set(missing);
    }

    /** Objects a sync's health gate is waiting on now (0 when it is not waiting). */
    /**
     * Renders done and renders answered from the cache: an idle agent's renders stay flat,
     * so a climbing {@code capstan_renders_total} means commits arrive or the cache is too small.
     */
    public void renderCache(dev.capstan.render.RenderCache cache) {
        for (dev.capstan.render.RenderKind kind : dev.capstan.render.RenderKind.values()) {
            io.micrometer.core.instrument.FunctionCounter.builder("capstan_renders", cache, c -> c.renders(kind))
                    .description("Renders done (not answered from the render cache), by renderer")
                    .tag("renderer", kind.label()).register(registry);
        }
        io.micrometer.core.instrument.FunctionCounter.builder("capstan_render_cache_hits", cache, c -> c.hits())
                .description("Renders answered from the render cache (same commit, path and options)").register(registry);
    }

    public void pendingObjects(String app, long count) {
        gauge("capstan_health_gate_pending_objects", "Objects the running sync's health gate waits on", Tags.of("app", app))
                .set(count);
    }

    public void applyChange(String app, String action, long count) {
        if (count > 0) {
            Counter.builder("capstan_apply_changes").description("Objects changed by action").tags("app", app, "action", action)
                    .register(registry).increment(count);
        }
    }

    public void gitRequest(String app, String op, boolean ok, long nanos) {
        Counter.builder("capstan_git_requests").description("Requests to Git remotes")
                .tags("app", app, "op", op, "result", ok ? "success" : "error").register(registry).increment();
        Timer.builder("capstan_git_request_duration").description("Git request duration").tags("op", op)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(2))
                .register(registry).record(Duration.ofNanos(nanos));
    }

    /** {@code capstan_app_info} = 1 with the app's current revision and statuses as labels; the previous series is removed. */
    public synchronized void appInfo(String app, String revision, String syncStatus, String healthStatus) {
        String[] labels = {app, revision, syncStatus, healthStatus};
        String[] old = appInfoLabels.put(app, labels);
        if (old != null && !java.util.Arrays.equals(old, labels)) {
            appInfo.remove(old);
        }
        appInfo.addLabelValues(labels);
    }

    /** {@code capstan_app_health{app,status}}: 1 for the app's current health, 0 for the others. */
    public void appHealth(String app, String current) {
        for (String status : new String[] {"Healthy", "Suspended", "Progressing", "Missing", "Degraded", "Unknown"}) {
            gauge("capstan_app_health", "Application health (1 for the current status)", Tags.of("app", app, "status", status))
                    .set(status.equals(current) ? 1 : 0);
        }
    }

    /**
     * {@code capstan_resource_health{app,group,kind,namespace,name,status}} = 1 for each
     * managed object's current health (one series per object, like kube-state-metrics);
     * series of objects that left the app or changed status are removed.
     */
    public void objectHealth(String app, java.util.List<dev.capstan.health.ObjectHealth> objects) {
        MultiGauge gauge = objectHealth.computeIfAbsent(app, a -> MultiGauge.builder("capstan_resource_health")
                .description("Health of each managed object (1 for its current status)").register(registry));
        gauge.register(objects.stream().map(o -> MultiGauge.Row.of(Tags.of("app", app, "group", o.ref().group(),
                "kind", o.ref().kind(), "namespace", o.ref().namespace(), "name", o.ref().name(),
                "status", o.health().status().name()), 1)).toList(), true);
    }

    /** Time a sync spent waiting for what it applied to become healthy. */
    public void rollout(String app, Duration waited) {
        Timer.builder("capstan_rollout_duration").description("Time waiting for applied objects to become healthy").tags("app", app)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofMinutes(30))
                .register(registry).record(waited);
    }

    /** A rollback to the last healthy revision ended: succeeded or failed. */
    public void rollback(String app, String result) {
        Counter.builder("capstan_rollbacks").description("Automatic rollbacks by result").tags("app", app, "result", result)
                .register(registry).increment();
    }

    /** An object of {@code app} was seen drifted from Git. */
    public void driftDetected(String app, String kind) {
        Counter.builder("capstan_drift_detected").description("Objects seen drifted from Git").tags("app", app, "kind", kind)
                .register(registry).increment();
        String key = app + "|drift";
        DoubleAdder ts = timestamps.computeIfAbsent(key, k -> {
            DoubleAdder adder = new DoubleAdder();
            Gauge.builder("capstan_last_drift_timestamp_seconds", adder, DoubleAdder::sum)
                    .description("Unix time drift was last detected").tags("app", app).register(registry);
            return adder;
        });
        ts.reset();
        ts.add(System.currentTimeMillis() / 1000.0);
    }

    /** A drifted object of {@code app} was put back as Git has it by self-heal. */
    public void driftCorrected(String app, String kind) {
        Counter.builder("capstan_drift_corrected").description("Drifted objects re-applied by self-heal").tags("app", app, "kind", kind)
                .register(registry).increment();
    }

    private AtomicLong gauge(String name, String description, Tags tags) {
        String key = name + tags;
        return gauges.computeIfAbsent(key, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, AtomicLong::get).description(description).tags(tags).register(registry);
            return value;
        });
    }

    /** The app was removed (its Application deleted): its series go too, so dashboards and alerts forget it. */
    public synchronized void removeApp(String app) {
        String[] info = appInfoLabels.remove(app);
        if (info != null) {
            appInfo.remove(info);
        }
        MultiGauge health = objectHealth.remove(app);
        if (health != null) {
            health.register(java.util.List.of(), true);
        }
        registry.getMeters().stream().filter(m -> app.equals(m.getId().getTag("app"))).toList().forEach(registry::remove);
        String tag = "tag(app=" + app + ")";
        gauges.keySet().removeIf(k -> k.contains(tag));
        timestamps.keySet().removeIf(k -> k.startsWith(app + "|"));
    }
}
