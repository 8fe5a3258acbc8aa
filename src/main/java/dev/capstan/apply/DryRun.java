package dev.capstan.apply;

import dev.capstan.plan.ObjectRef;
import java.util.Map;
import java.util.Set;

/**
 * What the dry-run of a change set learned, for the waves that follow: which objects
 * already exist (so an apply reports created or configured), and which could not be
 * validated yet because their Namespace or CRD is created by the same sync, and which
 * are refused only for immutable fields and are to be deleted and created again.
 *
 * @param recreate object -> why (the immutable fields)
 * @param recreateAll the app's {@code sync.recreate}, for what is validated later
 */
public record DryRun(Map<ObjectRef, Boolean> exists, Set<ObjectRef> deferred, Map<ObjectRef, String> recreate,
                     boolean recreateAll) {

    public DryRun {
        exists = Map.copyOf(exists);
        deferred = Set.copyOf(deferred);
        recreate = Map.copyOf(recreate);
    }

    public DryRun(Map<ObjectRef, Boolean> exists, Set<ObjectRef> deferred) {
        this(exists, deferred, Map.of(), false);
    }

    public static DryRun none() {
        return new DryRun(Map.of(), Set.of());
    }
}
