package dev.capstan.sync;

/** Where an application's sync loop is. */
public enum Phase {
    Idle, Syncing, Succeeded, Failed
}
