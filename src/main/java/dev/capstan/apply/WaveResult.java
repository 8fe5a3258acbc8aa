package dev.capstan.apply;

import dev.capstan.health.AppliedVersion;
import dev.capstan.plan.ObjectRef;
import java.util.Map;

/**
 * One applied wave: what happened to each object, and the versions the server returned,
 * so the health gate judges the objects as applied, not as the cache last saw them.
 */
public record WaveResult(ChangeSet changes, Map<ObjectRef, AppliedVersion> applied) {

    public WaveResult {
        applied = Map.copyOf(applied);
    }

    public boolean changedAnything() {
        return !applied.isEmpty();
    }
}
