package dev.capstan.plan;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Sync hooks: objects (a migration Job, most often) that run at a point of the sync
 * rather than being kept in step with Git. {@code capstan.dev/hook: pre-sync | post-sync |
 * sync-failed}, and Helm's install and upgrade hooks read the same way. Hooks are applied
 * in their own waves (see {@link HookWaves}), run again only when they change or for a new
 * revision, are left out of the inventory (never pruned as stale) and of drift and health
 * following, and are deleted per {@code capstan.dev/hook-delete-policy} (or Helm's).
 */
public final class Hooks {

    public static final String HOOK = "capstan.dev/hook";
    public static final String DELETE_POLICY = "capstan.dev/hook-delete-policy";
    static final String HELM_HOOK = "helm.sh/hook";
    static final String HELM_DELETE_POLICY = "helm.sh/hook-delete-policy";

    public enum Phase { PRE_SYNC, POST_SYNC, SYNC_FAILED }

    /** When the hook object is deleted. */
    public enum DeletePolicy {
        /** The previous one is deleted before a changed hook is created (the default): a changed hook runs anew. */
        BEFORE_HOOK_CREATION,
        /** Deleted once it passed its health gate (a Job: Complete). */
        HOOK_SUCCEEDED,
        /** Deleted when it failed. */
        HOOK_FAILED
    }

    /** @param deletePolicies never empty */
    public record Hook(Phase phase, Set<DeletePolicy> deletePolicies) {
        public boolean deletes(DeletePolicy p) {
            return deletePolicies.contains(p);
        }
    }

    private Hooks() {
    }

    /**
     * The hook an object declares, if any.
     *
     * @throws IllegalArgumentException for a value that is not a hook phase or delete policy
     */
    public static Optional<Hook> of(Map<String, Object> body) {
        Map<?, ?> ann = body.get("metadata") instanceof Map<?, ?> meta && meta.get("annotations") instanceof Map<?, ?> a ? a : Map.of();
        Phase phase = null;
        if (ann.get(HOOK) != null) {
            for (String v : split(ann.get(HOOK))) {
                phase = switch (v) {
                    case "pre-sync" -> Phase.PRE_SYNC;
                    case "post-sync" -> Phase.POST_SYNC;
                    case "sync-failed" -> Phase.SYNC_FAILED;
                    default -> throw new IllegalArgumentException("annotation " + HOOK + ": \"" + v
                            + "\" is not a hook; write pre-sync, post-sync or sync-failed");
                };
                break;
            }
        } else if (ann.get(HELM_HOOK) != null) {
            List<String> events = split(ann.get(HELM_HOOK));
            if (events.stream().anyMatch(e -> e.equals("pre-install") || e.equals("pre-upgrade"))) {
                phase = Phase.PRE_SYNC;
            } else if (events.stream().anyMatch(e -> e.equals("post-install") || e.equals("post-upgrade"))) {
                phase = Phase.POST_SYNC;
            }
        }
        if (phase == null) {
            return Optional.empty();
        }
        Object policy = ann.get(DELETE_POLICY) != null ? ann.get(DELETE_POLICY) : ann.get(HELM_DELETE_POLICY);
        Set<DeletePolicy> policies = policy == null ? Set.of(DeletePolicy.BEFORE_HOOK_CREATION)
                : split(policy).stream().map(Hooks::policy).collect(Collectors.toSet());
        return Optional.of(new Hook(phase, policies.isEmpty() ? Set.of(DeletePolicy.BEFORE_HOOK_CREATION) : policies));
    }

    /** Whether the object is a hook (of any phase). */
    public static boolean isHook(DesiredObject o) {
        return of(o.body()).isPresent();
    }

    /** The objects that are not hooks: what the inventory records and drift and health follow. */
    public static List<DesiredObject> without(List<DesiredObject> objects) {
        return objects.stream().filter(o -> !isHook(o)).toList();
    }

    private static DeletePolicy policy(String v) {
        return switch (v) {
            case "before-hook-creation" -> DeletePolicy.BEFORE_HOOK_CREATION;
            case "hook-succeeded" -> DeletePolicy.HOOK_SUCCEEDED;
            case "hook-failed" -> DeletePolicy.HOOK_FAILED;
            default -> throw new IllegalArgumentException("hook delete policy \"" + v
                    + "\" is unknown; write before-hook-creation, hook-succeeded or hook-failed");
        };
    }

    private static List<String> split(Object value) {
        return Arrays.stream(String.valueOf(value).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
