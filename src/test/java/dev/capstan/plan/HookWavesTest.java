package dev.capstan.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Helm hooks as waves around the chart's objects. */
class HookWavesTest {

    private static DesiredObject object(String kind, String name, Map<String, String> annotations) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", name);
        meta.put("annotations", new HashMap<>(annotations));
        Map<String, Object> body = new LinkedHashMap<>(Map.of("kind", kind, "metadata", meta));
        String group = kind.equals("CustomResourceDefinition") ? "apiextensions.k8s.io" : kind.equals("Job") ? "batch" : "";
        String ns = kind.equals("CustomResourceDefinition") || kind.equals("Namespace") ? "" : "ns";
        return DesiredObjects.prepare("app", new ObjectRef(group, kind, ns, name), "v1", body, "f.yaml");
    }

    private static Map<String, Integer> waves(List<DesiredObject> objects) {
        return HookWaves.assign(objects).stream().collect(Collectors.toMap(o -> o.ref().kind() + "/" + o.ref().name(),
                DesiredObject::wave, (a, b) -> a, java.util.TreeMap::new));
    }

    @Test
    void preHooksRunByWeightBeforeEverythingAndPostHooksAfterWithCrdsFirst() {
        Map<String, Integer> waves = waves(List.of(
                object("ConfigMap", "config", Map.of()),
                object("Deployment", "web", Map.of("capstan.dev/wave", "2")),
                object("CustomResourceDefinition", "widgets.example.com", Map.of()),
                object("Job", "migrate", Map.of("helm.sh/hook", "pre-install,pre-upgrade", "helm.sh/hook-weight", "5")),
                object("Job", "schema", Map.of("helm.sh/hook", "pre-upgrade", "helm.sh/hook-weight", "-1")),
                object("Job", "notify", Map.of("helm.sh/hook", "post-install")),
                object("Job", "pinned", Map.of("helm.sh/hook", "pre-install", "capstan.dev/wave", "7"))));
        assertEquals(Map.of("ConfigMap/config", 0, "Deployment/web", 2, "CustomResourceDefinition/widgets.example.com", -3,
                "Job/schema", -2, "Job/migrate", -1, "Job/notify", 8, "Job/pinned", 7), waves);
    }

    @Test
    void withoutHooksNothingMoves() {
        List<DesiredObject> objects = List.of(object("ConfigMap", "a", Map.of()), object("CustomResourceDefinition", "b.x", Map.of()));
        assertEquals(objects, HookWaves.assign(objects));
    }

    @Test
    void capstanHooksWaveLikeHelmsAndSyncFailedHooksAreInNoWave() {
        List<DesiredObject> objects = List.of(object("ConfigMap", "config", Map.of()),
                object("Job", "migrate", Map.of("capstan.dev/hook", "pre-sync")),
                object("Job", "smoke", Map.of("capstan.dev/hook", "post-sync", "capstan.dev/hook-delete-policy", "hook-succeeded")),
                object("Job", "page", Map.of("capstan.dev/hook", "sync-failed")));
        Map<String, Integer> waves = waves(objects);
        assertEquals(-1, waves.get("Job/migrate"));
        assertEquals(1, waves.get("Job/smoke"));
        Plan plan = new Plan(HookWaves.assign(objects).stream()
                .map(o -> new PlanEntry(PlanEntry.Kind.CREATE, o.ref(), o.apiVersion(), o, List.of(), "")).toList());
        assertEquals(List.of(List.of("migrate"), List.of("config"), List.of("smoke")), Wave.of(plan).stream()
                .map(w -> w.entries().stream().map(e -> e.ref().name()).toList()).toList());
        assertEquals(Hooks.DeletePolicy.HOOK_SUCCEEDED, Hooks.of(objects.get(2).body()).orElseThrow().deletePolicies().iterator().next());
        assertEquals(Set.of(Hooks.DeletePolicy.BEFORE_HOOK_CREATION), Hooks.of(objects.get(1).body()).orElseThrow().deletePolicies());
    }

    @Test
    void aMisspeltHookIsAnErrorAtRender() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> object("Job", "x", Map.of("capstan.dev/hook", "presync")));
        assertEquals("annotation capstan.dev/hook: \"presync\" is not a hook; write pre-sync, post-sync or sync-failed", e.getMessage());
    }
}
