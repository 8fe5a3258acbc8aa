package dev.capstan.http;

import java.time.Duration;

/**
 * What one client may cost the agent's port. The port is reachable by anything that can
 * reach the Service (and by GitHub when a webhook is exposed), so a sender must not hold a
 * connection open, send an unbounded body, or make an app sync in a loop.
 *
 * @param maxBodyBytes largest request body read; beyond it 413 (a push payload is a few KiB,
 *        GitHub caps its own at 25 MiB but Capstan reads only the repository and ref)
 * @param idleTimeout a connection that sends or receives nothing this long is closed, whether it
 *        stalls in its headers, its body, or between requests
 * @param maxConnections open connections beyond this wait in the accept queue
 * @param syncBurst manual syncs of one app accepted at once
 * @param syncEvery one more manual sync of an app is accepted per this interval after the burst
 */
public record HttpLimits(long maxBodyBytes, Duration idleTimeout, int maxConnections, int syncBurst, Duration syncEvery) {

    public static HttpLimits defaults() {
        return new HttpLimits(1024 * 1024, Duration.ofSeconds(10), 256, 10, Duration.ofSeconds(6));
    }

    public HttpLimits withSyncRate(int burst, Duration every) {
        return new HttpLimits(maxBodyBytes, idleTimeout, maxConnections, burst, every);
    }

    public HttpLimits withIdleTimeout(Duration timeout) {
        return new HttpLimits(maxBodyBytes, timeout, maxConnections, syncBurst, syncEvery);
    }
}
