package dev.capstan.apply;

import java.time.Duration;

/**
 * How to apply.
 *
 * @param fieldManager server-side apply field manager
 * @param force take over fields other managers own (a GitOps agent is the source of truth)
 * @param stageTimeout how long to wait for CRDs to be Established and Namespaces Active
 */
public record ApplyOptions(String fieldManager, boolean force, Duration stageTimeout) {

    public static ApplyOptions defaults() {
        return new ApplyOptions("capstan", true, Duration.ofSeconds(60));
    }
}
