package dev.capstan.engine;

/** Why a sync failed, named for the pipeline step that failed (as Flux names its Ready reasons). */
public enum Reason {
    FetchFailed, HistoryRewritten, RenderFailed, ValidationFailed, ApplyFailed, PruneFailed, HealthCheckFailed
}
