package dev.capstan.apply;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * When a dry-run is worth sending again. Server-side apply answers a manifest it cannot
 * decode (a field of the wrong type, an unknown field, bad base64) with HTTP 500, the code
 * of a transient failure, and the client's own backoff would resend it ten times over
 * about 20 s before the sync could say what is wrong. Dry-runs therefore go out without
 * the client's retries and come here: such a 500 is final at once; a 429 waits as long as
 * the server asks (Retry-After), capped; a connection failure, 5xx or a kind served a
 * moment ago (404 while its CRD settles) backs off exponentially, as the client would.
 * Once one dry-run of a sync has spent its attempts on such a failure, the server is taken
 * to be failing and the others of that sync are sent once: a sync of 200 objects against a
 * server answering 503 fails in seconds, not minutes. Pure: the caller sleeps and sends.
 */
final class DryRunRetry {

    /** Sends of one dry-run at most, the first included. */
    static final int ATTEMPTS = 6;
    /** Sends of a dry-run whose kind or namespace this sync just created, while it answers 404. */
    static final int SETTLING_ATTEMPTS = 10;
    private static final Duration FIRST = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(3);
    private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);
    private static final Pattern UNDECODABLE = Pattern.compile("^failed to (create typed patch object|convert new object)");

    private DryRunRetry() {
    }

    /** Whether the API server refused the manifest as undecodable: a 500 that no retry can change. */
    static boolean undecodable(int code, String message) {
        return code == 500 && message != null && UNDECODABLE.matcher(message).find();
    }

    /**
     * @param attempt the send that just failed, from 1
     * @param justServed the object's kind or namespace was created by this sync: a 404 may pass
     * @return how long to wait before the next send; empty to report the failure now
     */
    static Optional<Duration> after(int attempt, int code, String message, Integer retryAfterSeconds, boolean justServed) {
        // a CRD's endpoint may take several seconds to serve after Established: longer patience for that 404
        if (attempt >= (code == 404 ? SETTLING_ATTEMPTS : ATTEMPTS) || !transientFailure(code, message, justServed)) {
            return Optional.empty();
        }
        Duration backoff = FIRST.multipliedBy(1L << Math.min(attempt - 1, 5));
        backoff = backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
        if (retryAfterSeconds != null && retryAfterSeconds > 0) {
            Duration asked = Duration.ofSeconds(retryAfterSeconds);
            backoff = asked.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : asked.compareTo(backoff) > 0 ? asked : backoff;
        }
        return Optional.of(backoff);
    }

    /** A failure another send may not meet: no answer (the client reports -1 or 0), 429, a 5xx the server could decode. */
    static boolean transientFailure(int code, String message, boolean justServed) {
        return !undecodable(code, message) && (code <= 0 || code == 429 || code >= 500 || code == 404 && justServed);
    }

    static boolean transientFailure(KubernetesClientException e, boolean justServed) {
        return transientFailure(e.getCode(), e.getStatus() == null ? null : e.getStatus().getMessage(), justServed);
    }

    static Optional<Duration> after(int attempt, KubernetesClientException e, boolean justServed) {
        var status = e.getStatus();
        return after(attempt, e.getCode(), status == null ? null : status.getMessage(),
                status == null || status.getDetails() == null ? null : status.getDetails().getRetryAfterSeconds(), justServed);
    }
}
