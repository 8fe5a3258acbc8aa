package dev.capstan.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Planning, ordering and inventory: pure, no cluster. */
class PlannerTest {

    private static DesiredObject desired(String apiVersion, String kind, String ns, String name, Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("apiVersion", apiVersion);
        m.put("kind", kind);
        m.put("metadata", new LinkedHashMap<>(Map.of("name", name)));
        m.putAll(extra);
        return DesiredObjects.prepare("shop", new ObjectRef(ObjectRef.groupOf(apiVersion), kind, ns, name), apiVersion, m, "f.yaml:1");
    }

    @Test
    void createsUpdatesKeepsAndPrunes() {
        DesiredObject cm = desired("v1", "ConfigMap", "shop", "settings", Map.of("data", Map.of("color", "blue")));
        DesiredObject same = desired("v1", "ConfigMap", "shop", "same", Map.of("data", Map.of("k", "v")));
        DesiredObject fresh = desired("v1", "Service", "shop", "web", Map.of());
        Map<String, Object> liveCm = DesiredObjects.deepCopy(cm.body());
        ((Map<String, Object>) liveCm.get("data")).put("color", "red");
        Map<String, Object> liveSame = DesiredObjects.deepCopy(same.body());
        Inventory previous = new Inventory(List.of(
                new Inventory.Entry("v1", cm.ref()),
                new Inventory.Entry("apps/v1", new ObjectRef("apps", "Deployment", "shop", "old"))), "abc");

        Plan plan = Planner.plan("shop", ApplyOrder.sort(List.of(fresh, same, cm)), (v, ref) -> ref.equals(cm.ref())
                ? Optional.of(liveCm) : ref.equals(same.ref()) ? Optional.of(liveSame) : Optional.empty(), previous);

        assertEquals(List.of("= unchanged ConfigMap/shop/same", "~ update ConfigMap/shop/settings /data/color",
                "+ create Service/shop/web", "- prune Deployment/shop/old"),
                plan.entries().stream().map(PlanEntry::line).toList());
        assertTrue(plan.hasChanges());
    }

    @Test
    void aFieldRemovedFromGitIsAnUpdateThoughLiveIsASuperset() {
        DesiredObject before = desired("v1", "ConfigMap", "shop", "c", Map.of("data", Map.of("a", "1", "b", "2")));
        DesiredObject after = desired("v1", "ConfigMap", "shop", "c", Map.of("data", Map.of("a", "1")));
        Plan plan = Planner.plan("shop", List.of(after), (v, r) -> Optional.of(before.body()), Inventory.empty());
        assertEquals("~ update ConfigMap/shop/c (fields removed from Git)", plan.entries().get(0).line());
    }

    @Test
    void anObjectCarryingAnotherAppsTrackingIdIsAConflict() {
        DesiredObject mine = desired("v1", "ConfigMap", "shop", "shared", Map.of());
        Map<String, Object> theirs = DesiredObjects.prepare("other", mine.ref(), "v1", mine.body(), "x").body();
        Plan plan = Planner.plan("shop", List.of(mine), (v, r) -> Optional.of(theirs), Inventory.empty());
        assertEquals(PlanEntry.Kind.CONFLICT, plan.entries().get(0).kind());
        assertTrue(plan.entries().get(0).note().contains("owned by application \"other\""));
    }

    @Test
    void ownershipAndProtocolDefaultsAreAdded() {
        DesiredObject svc = desired("v1", "Service", "shop", "web", Map.of("spec", Map.of("ports", List.of(
                new LinkedHashMap<>(Map.of("port", 80))))));
        Map<?, ?> meta = (Map<?, ?>) svc.body().get("metadata");
        assertEquals("shop", meta.get("namespace"));
        assertEquals("capstan", ((Map<?, ?>) meta.get("labels")).get("app.kubernetes.io/managed-by"));
        assertEquals("shop:/Service:shop/web", ((Map<?, ?>) meta.get("annotations")).get("capstan.dev/tracking-id"));
        assertEquals("TCP", ((Map<?, ?>) ((List<?>) ((Map<?, ?>) svc.body().get("spec")).get("ports")).get(0)).get("protocol"));
    }

    @Test
    void dependsOnMovesAnObjectAfterItsDependency() {
        DesiredObject job = desired("batch/v1", "Job", "shop", "migrate", Map.of());
        DesiredObject web = desired("apps/v1", "Deployment", "shop", "web",
                Map.of("metadata", Map.of("name", "web", "annotations", Map.of("capstan.dev/depends-on", "Job/migrate"))));
        DesiredObject cm = desired("v1", "ConfigMap", "shop", "c", Map.of());
        assertEquals(List.of("ConfigMap/shop/c", "Job/shop/migrate", "Deployment/shop/web"),
                ApplyOrder.sort(List.of(web, job, cm)).stream().map(d -> d.ref().toString()).toList());
        DesiredObject a = desired("v1", "ConfigMap", "shop", "a",
                Map.of("metadata", Map.of("name", "a", "annotations", Map.of("capstan.dev/depends-on", "ConfigMap/shop/b"))));
        DesiredObject b = desired("v1", "ConfigMap", "shop", "b",
                Map.of("metadata", Map.of("name", "b", "annotations", Map.of("capstan.dev/depends-on", "ConfigMap/shop/a"))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ApplyOrder.sort(List.of(a, b)));
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    }

    @Test
    void inventoryRoundTripsThroughConfigMapData() {
        Inventory inv = new Inventory(List.of(new Inventory.Entry("v1", new ObjectRef("", "Namespace", "", "shop")),
                new Inventory.Entry("apps/v1", new ObjectRef("apps", "Deployment", "shop", "web"))), "0123abc");
        assertEquals(inv.entries().stream().sorted((x, y) -> x.ref().compareTo(y.ref())).toList(),
                Inventory.fromData(inv.toData()).entries());
        assertEquals("0123abc", Inventory.fromData(inv.toData()).revision());
    }
}
