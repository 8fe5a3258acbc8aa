package dev.capstan.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Pod: containers that cannot start (CrashLoopBackOff, image pull errors, bad config)
 * or exited with an error are Degraded at once; a long-running pod is healthy when Ready; a run-to-completion
 * pod when Succeeded.
 */
final class PodHealth implements HealthCheck {

    private static final Set<String> BROKEN = Set.of("CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull",
            "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "RunContainerError",
            "ErrImageNeverPull");

    @Override
    public Health assess(Obj o) {
        String phase = o.string("status.phase");
        if ("Succeeded".equals(phase)) {
            return Health.healthy("completed");
        }
        if ("Failed".equals(phase)) {
            String reason = o.string("status.reason");
            String message = o.string("status.message");
            return Health.degraded("pod failed" + (reason != null ? ": " + reason : "") + (message != null ? ": " + message : "")
                    + terminated(o));
        }
        List<String> broken = new ArrayList<>();
        for (String field : List.of("status.initContainerStatuses", "status.containerStatuses")) {
            for (Map<String, Object> c : o.list(field)) {
                Obj status = new Obj(c);
                String reason = status.string("state.waiting.reason");
                if (reason != null && BROKEN.contains(reason)) {
                    String message = status.string("state.waiting.message");
                    broken.add("container " + c.get("name") + " " + reason + (message != null ? ": " + message : "")
                            + restarts(status));
                } else if (status.has("state.terminated") && status.integer("state.terminated.exitCode", 0) != 0) {
                    // exited with an error and about to be restarted: the kubelet says CrashLoopBackOff only after
                    // the restart, seconds later; a container that fails now has failed
                    String why = status.string("state.terminated.reason");
                    broken.add("container " + c.get("name") + " exited with code " + status.integer("state.terminated.exitCode", 0)
                            + (why != null ? " (" + why + ")" : "") + restarts(status));
                }
            }
        }
        if (!broken.isEmpty()) {
            return Health.degraded(String.join("; ", broken));
        }
        if ("Running".equals(phase)) {
            boolean always = !o.has("spec.restartPolicy") || "Always".equals(o.string("spec.restartPolicy"));
            var ready = o.condition("Ready");
            if (!always) {
                return Health.progressing("running to completion");
            }
            return ready.isPresent() && ready.get().isTrue() ? Health.healthy("running and ready")
                    : Health.progressing("running, not ready" + ready.map(c -> c.describe().isEmpty() ? "" : ": " + c.describe()).orElse(""));
        }
        return Health.progressing("pod is " + (phase == null ? "not yet scheduled" : phase));
    }

    private static String restarts(Obj container) {
        long n = container.integer("restartCount", 0);
        return n > 0 ? " (" + n + " restarts)" : "";
    }

    private static String terminated(Obj o) {
        for (Map<String, Object> c : o.list("status.containerStatuses")) {
            Obj s = new Obj(c);
            if (s.has("state.terminated.exitCode") && s.integer("state.terminated.exitCode", 0) != 0) {
                return "; container " + c.get("name") + " exited " + s.integer("state.terminated.exitCode", 0);
            }
        }
        return "";
    }
}
