package dev.capstan.engine;

import java.time.Duration;
import java.time.Instant;

/**
 * The revision an app is not to retry on its own: one that failed its health gate (held
 * until a new commit or a manual sync; its health is still followed and it may recover),
 * or one the API server refused for good (the same commit fails the same way, so it is
 * tried again only after a slow backoff, in case the cluster changed). Thread-safe: the
 * sync loop writes, the API's manual sync clears.
 */
final class HeldRevision {

    static final Duration FIRST_REFUSED_BACKOFF = Duration.ofMinutes(5);
    static final Duration MAX_REFUSED_BACKOFF = Duration.ofHours(1);

    private String sha;
    private boolean rolledBack;
    /** When a refused revision is tried again; null: only on a new commit or a manual sync. */
    private Instant retryAt;
    private Duration backoff = FIRST_REFUSED_BACKOFF;

    /** Whether {@code revision} is held now. */
    synchronized boolean holds(String revision, Instant now) {
        return revision.equals(sha) && (retryAt == null || now.isBefore(retryAt));
    }

    /** Whether the held revision was rolled back (the app then shows RolledBack, not Failed). */
    synchronized boolean rolledBack() {
        return rolledBack;
    }

    /** A manual sync tries everything again. */
    synchronized void release() {
        sha = null;
    }

    synchronized void failedHealthGate(String revision, boolean rolledBackAfter) {
        sha = revision;
        rolledBack = rolledBackAfter;
        retryAt = null;
    }

    /** Refused for good: held for 5 minutes, then 10, 20, 40, at most an hour while the same revision keeps failing. */
    synchronized void refused(String revision, Instant now) {
        boolean again = revision.equals(sha) && retryAt != null;
        Duration doubled = backoff.multipliedBy(2);
        backoff = !again ? FIRST_REFUSED_BACKOFF : doubled.compareTo(MAX_REFUSED_BACKOFF) > 0 ? MAX_REFUSED_BACKOFF : doubled;
        sha = revision;
        rolledBack = false;
        retryAt = now.plus(backoff);
    }
}
