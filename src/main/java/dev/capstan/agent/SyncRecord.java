package dev.capstan.agent;

import dev.capstan.source.Revision;
import dev.capstan.engine.Reason;
import java.time.Duration;
import java.time.Instant;

/**
 * One finished sync, for the history in status.
 *
 * @param replica the agent replica that ran it (with sharding, apps move between replicas)
 */
public record SyncRecord(Revision revision, Instant startedAt, Duration duration, Phase phase, Reason reason,
                         String message, String summary, String replica) {
}
