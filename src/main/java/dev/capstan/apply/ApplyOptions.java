package dev.capstan.apply;

import java.time.Duration;

/**
 * How to apply.
 *
 * @param fieldManager server-side apply field manager
 * @param force take over fields other managers own (a GitOps agent is the source of truth)
 * @param stageTimeout how long to wait for CRDs to be Established and Namespaces Active
 * @param parallelism concurrent requests for dry-runs and for objects of one kind
 * @param skipProvenDryRuns send no dry-run for a create proven valid and admissible ({@link ProvenCreates})
 */
public record ApplyOptions(String fieldManager, boolean force, Duration stageTimeout, int parallelism, boolean skipProvenDryRuns) {
}
