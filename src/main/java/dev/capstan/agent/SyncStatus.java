package dev.capstan.agent;

/** Whether the live objects match Git (Argo CD's meaning). */
public enum SyncStatus {
    Synced, OutOfSync, Unknown
}
