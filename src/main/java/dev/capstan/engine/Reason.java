package dev.capstan.engine;

/**
 * Why a sync failed, named for the pipeline step that failed (as Flux names its Ready reasons). {@code SyncError}: the
 * cluster failed the sync outside any one object's apply (an inventory write or a list refused, the API server gone).
 */
public enum Reason {
    FetchFailed, HistoryRewritten, RenderFailed, ValidationFailed, ApplyFailed, PruneFailed, HealthCheckFailed, SyncError
}
