package dev.capstan.agent;

import dev.capstan.apply.ApplyOptions;
import dev.capstan.apply.InventoryStore;
import dev.capstan.cluster.DiscoveryCache;
import dev.capstan.cluster.LiveCache;
import dev.capstan.config.AgentConfig;
import dev.capstan.config.ApplicationSpec;
import dev.capstan.config.Secrets;
import dev.capstan.engine.DesiredStateBuilder;
import dev.capstan.engine.Reconciler;
import dev.capstan.health.RolloutWaiter;
import dev.capstan.http.StatusServer;
import dev.capstan.metrics.CapstanMetrics;
import dev.capstan.render.ApiVersionPolicy;
import dev.capstan.render.RenderOptions;
import dev.capstan.render.Renderers;
import dev.capstan.render.tool.Tools;
import dev.capstan.source.GitCredentials;
import dev.capstan.source.GitSource;
import dev.capstan.source.GitSourceException;
import dev.capstan.resource.ApplicationStatusWriter;
import dev.capstan.resource.ApplicationWatcher;
import dev.capstan.yaml.YamlLimits;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent and its composition root: builds the engine's ports from the cluster
 * machinery shared by every application (discovery, live cache, applier, pruner,
 * inventory, rollout waiter), one {@link Reconciler} and sync loop per application, the
 * one {@link StatusRecorder}, the drift detector and health monitor that publish to it,
 * the Application watch that adds and removes apps live, leader election, and the HTTP server. Wires everything by hand; {@link #close()} stops it all.
 */
public final class Agent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final AgentConfig config;
    private final CapstanMetrics metrics = new CapstanMetrics();
    private final LiveCache cache;
    private final HealthMonitor monitor;
    private final DriftDetector drift;
    private final StatusRecorder recorder;
    private final ApplicationStatusWriter statusWriter;
    private final Apps apps;
    private final ResourceApps resourceApps;
    private final ApplicationWatcher watcher;
    private final KubernetesClient client;
    private java.util.concurrent.CompletableFuture<?> elector;
    private volatile dev.capstan.shard.ShardCoordinator shards;
    /** With sharding: syncs of apps other replicas own go to them; this replica's address and token go in its Lease. */
    private final PeerForwarder peers = new PeerForwarder();
    /** This replica, in leases, status and sync history: the pod name and a suffix unique to this start. */
    private final String identity = System.getenv().getOrDefault("HOSTNAME", "capstan").toLowerCase(java.util.Locale.ROOT)
            .replaceAll("[^a-z0-9-]", "-") + "-" + java.util.UUID.randomUUID().toString().substring(0, 6);
    private final StatusServer server;
    private final dev.capstan.cluster.ServingLabel serving;
    private final Renderers renderers;
    /** One ls-remote per repository and interval, whatever the number of apps following it. */
    private final dev.capstan.source.SharedRefs sharedRefs = new dev.capstan.source.SharedRefs();
    /** One object store per repository, whatever the number of apps following it. */
    private final dev.capstan.source.SharedStores sharedStores = new dev.capstan.source.SharedStores();

    public Agent(AgentConfig config, KubernetesClient client, Map<String, String> env) throws GitSourceException {
        this(config, client, env, null);
    }

    /** @param requests what counts the client's requests, exported as {@code capstan_kube_requests_total} (null: none) */
    public Agent(AgentConfig config, KubernetesClient client, Map<String, String> env, dev.capstan.cluster.KubeRequests requests)
            throws GitSourceException {
        this.config = config;
        if (requests != null) {
            metrics.kubeRequests(requests.counts());
        }
        this.client = client;
        this.serving = dev.capstan.cluster.ServingLabel.of(client, env);
        ensureNamespace(client, config.namespace());
        DiscoveryCache discovery = new DiscoveryCache(client);
        this.cache = new LiveCache(client, discovery::current, restrictedTo(config));
        RolloutWaiter waiter = new RolloutWaiter(cache);
        this.statusWriter = new ApplicationStatusWriter(client);
        ResourceStatus resourceStatus = new ResourceStatus(statusWriter, Clock.systemUTC());
        this.recorder = new StatusRecorder(metrics, new dev.capstan.cluster.EventRecorder(client), resourceStatus, this::follow,
                Clock.systemUTC(), identity);
        this.monitor = new HealthMonitor(cache, waiter, recorder);
        this.drift = new DriftDetector(cache, recorder, this::heal, Clock.systemUTC());
        RenderOptions renderOptions = renderOptions(config);
        this.renderers = Tools.renderers(renderOptions, config.render().tools(), env);
        metrics.renderCache(renderers.cache());
        DesiredStateBuilder desired = new DesiredStateBuilder(renderOptions, renderers, config.render().kubeVersion() + ".0",
                discovery::current);
        TenantPorts tenants = new TenantPorts(client, discovery, new ApplyOptions("capstan", config.apply().forceConflicts(),
                java.time.Duration.ofSeconds(60), config.apply().parallelism(), config.apply().skipProvenDryRuns()), desired,
                cache, waiter, new InventoryStore(client, config.namespace()));
        this.apps = new Apps(definition -> build(definition, tenants), recorder, key -> {
            monitor.untrack(key);
            drift.untrack(key);
            desired.forget(key);
        }, key -> tenants.inventory().forget(key));
        for (ApplicationSpec app : config.applications()) {
            ApplicationSpec.Auth a = app.repo().auth();
            apps.put(new AppDefinition(app, null, null, null,
                    GitCredentials.from(a.username(), a.passwordFile(), a.passwordEnv(), a.sshKeyFile(), a.knownHostsFile(), env)));
        }
        java.util.Set<String> configNames = new java.util.HashSet<>();
        config.applications().forEach(a -> configNames.add(a.name()));
        this.resourceApps = new ResourceApps(client, apps, configNames, tenants, resourceStatus, config.cacheDir());
        this.watcher = new ApplicationWatcher(client, config.applicationNamespaces(), config.namespace(), config.tenancy(),
                resourceApps);
        this.server = new StatusServer("0.0.0.0", config.server().port(), recorder::statuses, this::ready, metrics,
                new StatusServer.Tokens(() -> token(config.server(), env), readToken(config.server(), env),
                        config.sharding().enabled() ? Optional.of(peers.token()) : Optional.empty()),
                this::trigger, this::pushed,
                new dev.capstan.http.Webhooks(apps::specs, () -> secret(config.server().webhookSecretFile(),
                        config.server().webhookSecretEnv(), env)), dev.capstan.http.HttpLimits.defaults()
                        .withSyncRate(config.server().syncBurst(), config.server().syncEvery()));
    }

    /** One app's fetcher and reconciler, with the engine's ports of the identity it runs as. */
    private Apps.Running build(AppDefinition definition, TenantPorts tenants) throws GitSourceException {
        String key = definition.key();
        ApplicationSpec spec = definition.spec();
        // apps following the same repository share its ls-remote answers and its object store (one fetch per push)
        GitSource source = new GitSource(spec.repo().url(), spec.repo().ref(), definition.credentials(),
                config.cacheDir().resolve(key), (int) Math.max(1, spec.repo().timeout().toSeconds()), (op, ok, nanos) -> metrics.gitRequest(key, op, ok, nanos),
                sharedRefs, spec.sync().interval().multipliedBy(9).dividedBy(10), sharedStores, config.cacheDir().resolve("repos"));
        return new Apps.Running(definition, source, new Reconciler(spec, source, tenants.ports(definition.user()),
                recorder.listenerFor(key, drift), Clock.systemUTC()));
    }

    private static RenderOptions renderOptions(AgentConfig config) {
        return RenderOptions.defaults()
                .withLimits(YamlLimits.defaults().withMaxFileBytes(config.render().maxFileBytes())
                        .withMaxDocuments(config.render().maxDocuments()))
                .withApiPolicy(ApiVersionPolicy.offline(config.render().kubeVersion()))
                .withManagedNamespaces(restrictedTo(config));
    }

    /** The namespaces a namespaced install is limited to; empty when installed cluster-wide. */
    private static List<String> restrictedTo(AgentConfig config) {
        return config.managesAllNamespaces() ? List.of() : config.managedNamespaces();
    }

    /** After a sync: the health monitor and the drift detector follow the objects it planned. */
    private void follow(ApplicationSpec app, List<RolloutWaiter.Target> targets, List<dev.capstan.plan.DesiredObject> desired) {
        monitor.track(app.name(), targets);
        drift.track(app, desired);
    }

    /** Starts the HTTP server, the Application watch, and every application's loop now or once this replica leads. */
    public Agent start() {
        server.start();
        watcher.start();
        AgentConfig.LeaderElection le = config.leaderElection();
        AgentConfig.Sharding sharding = config.sharding();
        if (sharding.enabled()) {
            shards = new dev.capstan.shard.ShardCoordinator(client, config.namespace(), identity, sharding.leaseDuration(),
                    sharding.renewPeriod(), new dev.capstan.shard.ShardCoordinator.Peer(PeerForwarder.address(server.port()), peers.token()),
                    new dev.capstan.shard.ShardCoordinator.Runner() {
                        @Override
                        public java.util.Set<String> apps() {
                            return apps.keys();
                        }

                        @Override
                        public void runOnly(java.util.Set<String> keys) {
                            apps.runOnly(keys);
                        }

                        @Override
                        public void viewed(dev.capstan.shard.ShardCoordinator.View view) {
                            recorder.owners(app -> view.running().contains(app) ? identity : view.owners().get(app));
                            metrics.shard(view.members().size(), view.running().size());
                        }
                    }).start();
            serving.set(true); // every member answers: a sync asked of it goes to the app's owner
        } else if (!le.enabled()) {
            startLeading();
        } else {
            var election = new io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig(
                    new io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock(config.namespace(), le.leaseName(), identity),
                    le.leaseDuration(), le.renewDeadline(), le.retryPeriod(),
                    new io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks(this::startLeading, this::stopLeading,
                            leader -> LOG.info("leader of {}/{} is {}", config.namespace(), le.leaseName(), leader)),
                    true, le.leaseName());
            elector = new io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector(client, election,
                    java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                        Thread t = new Thread(r, "leader-election");
                        t.setDaemon(true);
                        return t;
                    })).start();
            LOG.info("capstan agent {}: standing by for lease {}/{}", identity, config.namespace(), le.leaseName());
        }
        LOG.info("capstan agent: {} application(s) from the config file, Application resources from {}, http on port {}",
                config.applications().size(), String.join(", ", config.applicationNamespaces()), server.port());
        return this;
    }

    /** This replica leads (or there is no election): run every application's loop. */
    private void startLeading() {
        apps.lead();
        serving.set(true);
        recorder.owners(app -> identity);
        LOG.info("leading: syncing {} application(s)", apps.size());
    }

    /** Another replica took over: stop syncing at once (its loops start from scratch). */
    private void stopLeading() {
        if (apps.leading()) {
            apps.standBy();
            serving.set(false);
            LOG.warn("lost leadership: stopped syncing");
        }
    }

    /** Whether this replica runs the sync loops (always, without leader election). */
    public boolean leading() {
        return apps.leading();
    }

    public int port() {
        return server.port();
    }

    public List<AppStatus> statuses() {
        return recorder.statuses();
    }

    public CapstanMetrics metrics() {
        return metrics;
    }

    /** Reconcile the named application now, as a person asks: here, or (sharding) on the replica that owns it. */
    public void trigger(String app) {
        trigger(app, true);
    }

    /**
     * Reconcile the named application now because its repository was pushed to. Unlike a
     * person's request it does not run hooks again for a commit already synced, nor retry a
     * held revision, so the apps a push wakes whose path did not change cost almost nothing.
     */
    void pushed(String app) {
        trigger(app, false);
    }

    private void trigger(String app, boolean manual) {
        dev.capstan.shard.ShardCoordinator coordinator = shards;
        if (coordinator != null && !apps.runs(app)) {
            peers.forward(app, coordinator.view());
            return;
        }
        apps.trigger(app, manual);
    }

    private void heal(String app, dev.capstan.plan.ObjectRef ref) {
        apps.heal(app, ref);
    }

    /**
     * Ready = serving with synced caches, or standing by for the lease: a standby must be Ready,
     * or a rolling update of the agent never completes (its new pod stands by while the old one
     * leads). The Service routes to the serving replica by its label ({@link
     * dev.capstan.cluster.ServingLabel}), not by readiness. With sharding every member serves.
     */
    private boolean ready() {
        return shards != null || leading() ? cache.synced() : elector != null;
    }

    /** This replica's identity (leases, status, sync history). */
    public String identity() {
        return identity;
    }
    /** The sync API token, read at each request so a rotated Secret applies at once. */
    static Optional<String> token(AgentConfig.Server server, Map<String, String> env) {
        return secret(server.tokenFile(), server.tokenEnv(), env);
    }

    /** Null when reads are open; an unreadable or empty token refuses every read rather than opening them. */
    static java.util.function.Supplier<Optional<String>> readToken(AgentConfig.Server server, Map<String, String> env) {
        if (!server.readsGuarded()) {
            return null;
        }
        return () -> secret(server.readTokenFile(), server.readTokenEnv(), env).or(() -> Optional.of(""));
    }

    /** A secret from a file (a mounted Secret, re-read each time) or an environment variable. */
    static Optional<String> secret(String file, String envVar, Map<String, String> env) {
        try {
            return Secrets.read(file, envVar, env);
        } catch (IOException e) {
            LOG.warn("cannot read secret file {}: {}", file, e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private static void ensureNamespace(KubernetesClient client, String namespace) {
        try {
            if (client.namespaces().withName(namespace).get() == null) {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
                        .create();
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403) { // a namespaced install may not read namespaces: its own exists, or nothing works anyway
                LOG.debug("cannot check namespace {} ({}); assuming it exists", namespace, e.getMessage());
            } else if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        if (elector != null) {
            elector.cancel(true); // releases the lease: a standby takes over without waiting for it to expire
        }
        if (shards != null) {
            shards.close(); // stops this replica's apps, then releases its lease: the others take them at once
        }
        watcher.close();
        resourceApps.close();
        apps.close();
        statusWriter.close();
        server.close();
        metrics.close();
        monitor.close();
        drift.close();
        cache.close();
    }
}
