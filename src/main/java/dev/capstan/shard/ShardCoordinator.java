package dev.capstan.shard;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spreads the applications over the agent's replicas with no operator input. Each replica
 * holds a membership Lease ({@code capstan-shard-<identity>}, label
 * {@code capstan.dev/shard=member}) renewed every {@code renewPeriod}; the live members are
 * the leases whose holder renewed within its lease duration, as this replica observed it
 * (its own clock, never another's); each app belongs to one member by {@link Rendezvous}
 * hashing over them.
 *
 * <p>An app is never synced by two replicas at once. Each lease carries the member's
 * claims (annotation {@code capstan.dev/claims}: the apps it runs or is about to run). A
 * replica stops what it no longer owns before it publishes claims without it; it starts an
 * app only after a renew that claimed it has been written, and only while no other live
 * member claims it. Two replicas each starting the same app would each have had to read
 * the other's lease before the other's claim was written, though each claim was written
 * before its own read: impossible. A replica that cannot renew stops everything before its
 * lease can lapse in the others' eyes; one that stops releases its lease (deletes it), so
 * its apps move at once.
 */
public final class ShardCoordinator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShardCoordinator.class);
    static final String LABEL = "capstan.dev/shard";
    static final String CLAIMS = "capstan.dev/claims";
    static final String ADDRESS = "capstan.dev/address";
    static final String PEER_TOKEN = "capstan.dev/peer-token";

    /** How to reach a member's HTTP API, to forward a sync of an app it owns. */
    public record Peer(String address, String token) {
    }

    /** The agent's apps as the coordinator steers them. */
    public interface Runner {
        /** Every app the agent knows now (config file and Application resources). */
        Set<String> apps();

        /** Run exactly these apps here (stop the others). */
        void runOnly(Set<String> apps);

        /** What this replica sees after each round: members and owners, for status and metrics. */
        void viewed(View view);
    }

    /** What this replica sees: the live members and who owns each app. */
    public record View(String self, Set<String> members, Map<String, String> owners, Set<String> running, Map<String, Peer> peers) {
    }

    private record Observed(String resourceVersion, long atNanos, long durationNanos, Set<String> claims, Peer peer) {
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String identity;
    private final Duration leaseDuration;
    private final Duration renewPeriod;
    private final Runner runner;
    private final Peer self;
    private final Map<String, Observed> seen = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "shard-coordinator");
        t.setDaemon(true);
        return t;
    });
    private Set<String> published = Set.of();
    private Set<String> running = Set.of();
    private long lastRenewNanos = System.nanoTime();
    private volatile View view;

    /** @param self where this replica's API is, and the token that lets peers forward syncs to it */
    public ShardCoordinator(KubernetesClient client, String namespace, String identity, Duration leaseDuration,
                            Duration renewPeriod, Peer self, Runner runner) {
        this.self = self;
        this.client = client;
        this.namespace = namespace;
        this.identity = identity;
        this.leaseDuration = leaseDuration;
        this.renewPeriod = renewPeriod;
        this.runner = runner;
        this.view = new View(identity, Set.of(identity), Map.of(), Set.of(), Map.of());
    }

    public ShardCoordinator start() {
        timer.scheduleWithFixedDelay(this::safely, 0, renewPeriod.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("sharding: member {} (lease {}/{})", identity, namespace, leaseName());
        return this;
    }

    public View view() {
        return view;
    }

    private void safely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("sharding: {}", e.toString());
            fenceIfStale();
        }
    }

    /** One round: read the members, stop what is not ours, claim what is, start what nobody else claims. */
    synchronized void tick() {
        List<Lease> leases = client.leases().inNamespace(namespace).withLabel(LABEL, "member").list().getItems();
        long now = System.nanoTime();
        Set<String> members = new TreeSet<>(List.of(identity));
        Set<String> othersClaims = new HashSet<>();
        Map<String, Peer> peers = new HashMap<>();
        Set<String> present = new HashSet<>();
        for (Lease l : leases) {
            String holder = l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
            if (holder == null || holder.equals(identity)) {
                continue;
            }
            present.add(holder);
            Observed o = observe(holder, l, now);
            if (now - o.atNanos() < o.durationNanos()) {
                members.add(holder);
                othersClaims.addAll(o.claims());
                peers.put(holder, o.peer());
            }
        }
        seen.keySet().retainAll(present); // a released lease is gone: its apps are free at once
        Set<String> apps = runner.apps();
        Map<String, String> owners = new HashMap<>();
        Set<String> mine = new TreeSet<>();
        for (String app : apps) {
            String owner = Rendezvous.owner(app, members);
            owners.put(app, owner);
            if (identity.equals(owner)) {
                mine.add(app);
            }
        }
        Set<String> keep = new TreeSet<>(running);
        keep.retainAll(mine);
        apply(keep); // stopped before any claim without them is written
        if (!renew(mine)) {
            fenceIfStale();
            return;
        }
        Set<String> claimedBefore = published;
        published = mine;
        Set<String> start = new TreeSet<>(mine);
        start.retainAll(claimedBefore);
        start.removeAll(othersClaims);
        start.addAll(keep);
        apply(start);
        view = new View(identity, Set.copyOf(members), Map.copyOf(owners), Set.copyOf(running), Map.copyOf(peers));
        runner.viewed(view);
    }

    private Observed observe(String holder, Lease l, long now) {
        Observed before = seen.get(holder);
        String rv = l.getMetadata().getResourceVersion();
        Integer seconds = l.getSpec().getLeaseDurationSeconds();
        long duration = TimeUnit.SECONDS.toNanos(seconds == null ? leaseDuration.toSeconds() : seconds);
        Map<String, String> a = l.getMetadata().getAnnotations() == null ? Map.of() : l.getMetadata().getAnnotations();
        String text = a.getOrDefault(CLAIMS, "");
        Set<String> claims = text.isEmpty() ? Set.of() : new HashSet<>(Arrays.asList(text.split(",")));
        Peer peer = new Peer(a.getOrDefault(ADDRESS, ""), a.getOrDefault(PEER_TOKEN, ""));
        Observed o = before != null && before.resourceVersion().equals(rv)
                ? new Observed(rv, before.atNanos(), duration, claims, peer) : new Observed(rv, now, duration, claims, peer);
        seen.put(holder, o);
        return o;
    }

    private void apply(Set<String> apps) {
        if (!apps.equals(running)) {
            Set<String> stopped = new TreeSet<>(running);
            stopped.removeAll(apps);
            Set<String> started = new TreeSet<>(apps);
            started.removeAll(running);
            runner.runOnly(apps);
            running = Set.copyOf(apps);
            if (!stopped.isEmpty() || !started.isEmpty()) {
                LOG.info("sharding: {} runs {} app(s); started {}, stopped {}", identity, apps.size(), started.size(), stopped.size());
            }
        }
    }

    /** Writes this member's lease: renewed now, with its claims. */
    private boolean renew(Set<String> claims) {
        Lease lease = new LeaseBuilder().withNewMetadata().withName(leaseName()).withNamespace(namespace)
                .addToLabels(LABEL, "member").addToAnnotations(CLAIMS, String.join(",", claims))
                .addToAnnotations(ADDRESS, self.address()).addToAnnotations(PEER_TOKEN, self.token()).endMetadata()
                .withNewSpec().withHolderIdentity(identity).withLeaseDurationSeconds((int) leaseDuration.toSeconds())
                .withRenewTime(ZonedDateTime.now()).endSpec().build();
        try {
            client.leases().inNamespace(namespace).resource(lease).fieldManager("capstan-shard").forceConflicts().serverSideApply();
            lastRenewNanos = System.nanoTime();
            return true;
        } catch (KubernetesClientException e) {
            LOG.warn("sharding: cannot renew lease {}/{}: {}", namespace, leaseName(), e.getMessage());
            return false;
        }
    }

    /** Unable to renew for most of a lease duration: the others will soon take our apps, so stop them first. */
    private synchronized void fenceIfStale() {
        if (System.nanoTime() - lastRenewNanos > leaseDuration.minus(renewPeriod).toNanos() && !running.isEmpty()) {
            LOG.warn("sharding: lease not renewed for {}; stopping {} app(s) before another replica takes them",
                    leaseDuration.minus(renewPeriod), running.size());
            apply(Set.of());
            published = Set.of();
        }
    }

    String leaseName() {
        return "capstan-shard-" + identity;
    }

    /** Stops every app here, then releases the lease so the others take them over at once. */
    @Override
    public synchronized void close() {
        timer.shutdownNow();
        apply(Set.of());
        try {
            client.leases().inNamespace(namespace).withName(leaseName()).delete();
        } catch (KubernetesClientException e) {
            LOG.warn("sharding: cannot release lease {}: {}", leaseName(), e.getMessage());
        }
    }
}
