package dev.capstan.apply;

import java.util.Locale;

/** What happened to one object in a sync. */
public enum Action {
    CREATED, CONFIGURED, RECREATED, UNCHANGED, PRUNED, SKIPPED, FAILED;

    /** Lower case, as in status JSON and metric labels. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
