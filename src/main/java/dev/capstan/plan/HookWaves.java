package dev.capstan.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Sync hooks ({@code capstan.dev/hook}, and Helm's install and upgrade hooks) as waves of
 * the sync, so they run where Helm and Argo CD run them: pre-sync hooks in waves before every other object (one wave per
 * {@code helm.sh/hook-weight}, lowest first, each gated on health, so a migration Job must
 * complete first), post-sync hooks in waves after the last one (sync-failed hooks are in
 * no wave: they run only after a failed sync). CRDs and
 * Namespaces come before the pre hooks, as Helm installs {@code crds/} before any hook and
 * a hook may need them. An explicit {@code capstan.dev/wave} wins.
 */
public final class HookWaves {

    static final String WEIGHT = "helm.sh/hook-weight";

    private HookWaves() {
    }

    public static List<DesiredObject> assign(List<DesiredObject> objects) {
        List<DesiredObject> pre = new ArrayList<>();
        List<DesiredObject> post = new ArrayList<>();
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (DesiredObject o : objects) {
            java.util.Optional<Hooks.Hook> hook = Hooks.of(o.body());
            if (hook.isEmpty() || annotation(o, Ownership.WAVE) != null) {
                min = Math.min(min, o.wave());
                max = Math.max(max, o.wave());
            } else if (hook.get().phase() == Hooks.Phase.PRE_SYNC) {
                pre.add(o);
            } else if (hook.get().phase() == Hooks.Phase.POST_SYNC) {
                post.add(o);
            }
        }
        if (pre.isEmpty() && post.isEmpty()) {
            return objects;
        }
        if (min == Integer.MAX_VALUE) {
            min = 0;
            max = 0;
        }
        TreeSet<Integer> preWeights = weights(pre);
        TreeSet<Integer> postWeights = weights(post);
        int firstPre = min - preWeights.size();
        List<DesiredObject> out = new ArrayList<>();
        for (DesiredObject o : objects) {
            if (!pre.isEmpty() && ApplyOrder.isStageOne(o.ref()) && !Hooks.isHook(o)
                    && annotation(o, Ownership.WAVE) == null) {
                out.add(withWave(o, firstPre - 1)); // as Helm installs crds/ before any hook
            } else if (pre.contains(o)) {
                out.add(withWave(o, min - preWeights.size() + preWeights.headSet(weight(o)).size()));
            } else if (post.contains(o)) {
                out.add(withWave(o, max + 1 + postWeights.headSet(weight(o)).size()));
            } else {
                out.add(o);
            }
        }
        return out;
    }

    private static TreeSet<Integer> weights(List<DesiredObject> hooks) {
        TreeSet<Integer> w = new TreeSet<>();
        hooks.forEach(h -> w.add(weight(h)));
        return w;
    }

    private static int weight(DesiredObject o) {
        try {
            String w = annotation(o, WEIGHT);
            return w == null ? 0 : Integer.parseInt(w.trim());
        } catch (NumberFormatException e) {
            return 0; // Helm reads an unparsable weight as 0 too
        }
    }

    private static DesiredObject withWave(DesiredObject o, int wave) {
        return new DesiredObject(o.ref(), o.apiVersion(), o.body(), o.hash(), o.origin(), o.dependsOn(), wave);
    }

    private static String annotation(DesiredObject o, String key) {
        if (o.body().get("metadata") instanceof Map<?, ?> meta && meta.get("annotations") instanceof Map<?, ?> ann
                && ann.get(key) != null) {
            return String.valueOf(ann.get(key));
        }
        return null;
    }
}
