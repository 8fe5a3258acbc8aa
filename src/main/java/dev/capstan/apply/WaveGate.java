package dev.capstan.apply;

import dev.capstan.plan.PlanEntry;
import dev.capstan.plan.ObjectRef;
import java.util.List;
import java.util.Map;

/** Decides, after each wave is applied, whether the next may start (the Reconciler waits for health here). */
@FunctionalInterface
public interface WaveGate {

    /**
     * @param entries every object of the wave (changed or not)
     * @param changedSoFar whether this sync has applied anything yet
     * @param applied the versions the server returned for the objects applied so far
     * @throws GateFailure to stop the sync: later waves are not applied
     */
    void passed(int wave, List<PlanEntry> entries, boolean changedSoFar, Map<ObjectRef, AppliedVersion> applied)
            throws GateFailure;

    /** No gate: every wave may start at once (self-heal of single objects). */
    WaveGate NONE = (wave, entries, changedSoFar, applied) -> { };

    /** The wave did not become healthy; carries the report for status. */
    final class GateFailure extends Exception {
        private final transient Object report;

        public GateFailure(String message, Object report) {
            super(message);
            this.report = report;
        }

        public Object report() {
            return report;
        }
    }
}
