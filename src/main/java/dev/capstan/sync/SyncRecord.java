package dev.capstan.sync;

import dev.capstan.source.Revision;
import java.time.Duration;
import java.time.Instant;

/** One finished sync, for the history in status. */
public record SyncRecord(Revision revision, Instant startedAt, Duration duration, Phase phase, Reason reason,
                         String message, String summary) {
}
