package dev.capstan.agent;

import dev.capstan.shard.ShardCoordinator;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With sharding, a sync asked of any replica (the Service picks one: the sync API, a push
 * webhook) reaches the replica that owns the app: passed on to the owner's sync API with
 * the peer token the owner publishes in its Lease. This replica's own address and token
 * are what it publishes in turn.
 */
final class PeerForwarder {

    private static final Logger LOG = LoggerFactory.getLogger(PeerForwarder.class);

    /** Random per start: lets peers trigger syncs here, nothing else. */
    private final String token = UUID.randomUUID().toString() + UUID.randomUUID();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    String token() {
        return token;
    }

    /** Where the other replicas reach this one: the pod IP (POD_IP, from the downward API) or this host's address. */
    static String address(int port) {
        String ip = System.getenv("POD_IP");
        if (ip == null || ip.isBlank()) {
            try {
                ip = InetAddress.getLocalHost().getHostAddress();
            } catch (UnknownHostException e) {
                ip = "127.0.0.1";
            }
        }
        return "http://" + (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port;
    }

    /** Asks the owner of {@code app}, as {@code view} sees it, to sync it now; failures are logged. */
    void forward(String app, ShardCoordinator.View view) {
        String owner = view.owners().get(app);
        ShardCoordinator.Peer peer = owner == null ? null : view.peers().get(owner);
        if (peer == null || peer.address().isEmpty()) {
            LOG.info("app={}: sync asked, but no live replica owns it yet; its next sync comes with its owner", app);
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(peer.address() + "/api/v1/applications/"
                        + URLEncoder.encode(app, StandardCharsets.UTF_8) + "/sync"))
                .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + peer.token())
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
            if (e != null || r.statusCode() != 202) {
                LOG.warn("app={}: cannot forward the sync to its owner {} at {}: {}", app, owner, peer.address(),
                        e != null ? e.toString() : "HTTP " + r.statusCode());
            }
        });
    }
}
