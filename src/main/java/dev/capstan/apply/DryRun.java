package dev.capstan.apply;

import dev.capstan.plan.ObjectRef;
import java.util.Map;
import java.util.Set;

/**
 * What the dry-run of a change set learned, for the waves that follow: which objects
 * already exist (so an apply reports created or configured), and which could not be
 * validated yet because their Namespace or CRD is created by the same sync.
 */
public record DryRun(Map<ObjectRef, Boolean> exists, Set<ObjectRef> deferred) {

    public DryRun {
        exists = Map.copyOf(exists);
        deferred = Set.copyOf(deferred);
    }

    public static DryRun none() {
        return new DryRun(Map.of(), Set.of());
    }
}
