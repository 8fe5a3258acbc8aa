package dev.capstan.agent;

import dev.capstan.apply.ChangeSet;
import dev.capstan.health.HealthReport;
import dev.capstan.source.Revision;
import dev.capstan.engine.Reason;
import java.time.Duration;

/**
 * How one reconcile ended, as recorded in status and metrics.
 *
 * @param changes null when nothing was attempted against the cluster
 * @param health null when health was not assessed (the pipeline stopped before apply)
 * @param synced the revision now live (null when unchanged by this reconcile)
 */
public record SyncResult(Phase phase, Reason reason, String message, ChangeSet changes, SyncStatus sync,
                         long inSync, long outOfSync, long missing, Duration took, HealthReport health, Revision synced) {
}
