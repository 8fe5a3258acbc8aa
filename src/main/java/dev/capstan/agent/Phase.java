package dev.capstan.agent;

/** Where an application's sync loop is. */
public enum Phase {
    Idle, Syncing, Succeeded, Failed,
    /** The revision failed its health gate and the last healthy revision was re-applied. */
    RolledBack
}
