package dev.capstan.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capstan.yaml.YamlDocument;
import dev.capstan.yaml.YamlLimits;
import dev.capstan.yaml.YamlReader;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One fixture per case: desired, live, and the paths that must be reported changed. */
class DiffTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"server-defaults-are-not-drift", "quantities-by-value", "quantity-really-changed",
            "int-or-string-port", "empty-values-equal-absent", "replicas-scaled-live", "secret-stringdata-as-data",
            "secret-value-changed", "list-length-and-label-changes", "injected-sidecar-and-reordered-env", "env-value-really-changed", "hpa-owned-replicas", "aggregated-clusterrole", "endpoints-addresses-unordered", "configmap-value-changed", "int-or-string-port-changed", "aggregated-clusterrole-selector-changed", "empty-value-vs-set-value"})
    @SuppressWarnings("unchecked")
    void reportsExactlyTheChangedPaths(String fixture) throws Exception {
        List<YamlDocument> docs;
        try (InputStream in = DiffTest.class.getResourceAsStream("diff/" + fixture + ".yaml")) {
            docs = new YamlReader(YamlLimits.defaults()).readAll(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Map<String, Object> desired = (Map<String, Object>) docs.get(0).value();
        Map<String, Object> live = (Map<String, Object>) docs.get(1).value();
        List<Object> expected = (List<Object>) ((Map<String, Object>) docs.get(2).value()).get("changed");
        assertEquals(expected, List.copyOf(Diff.changedPaths(desired, live)));
    }

    @org.junit.jupiter.api.Test
    void ignoreRulesDropPathsAtOrUnderAPointer() {
        Map<String, Object> desired = Map.of("kind", "Deployment", "spec", Map.of("replicas", 3, "paused", false),
                "metadata", Map.of("annotations", Map.of("a", "1")));
        Map<String, Object> live = Map.of("kind", "Deployment", "spec", Map.of("replicas", 5, "paused", true),
                "metadata", Map.of("annotations", Map.of("a", "2")));
        assertEquals(List.of("/metadata/annotations/a", "/spec/paused"),
                Diff.changedPaths(desired, live, List.of("/spec/replicas")).stream().sorted().toList());
        assertEquals(List.of("/spec/paused", "/spec/replicas"),
                Diff.changedPaths(desired, live, List.of("/metadata")).stream().sorted().toList());
        assertEquals(List.of(), Diff.changedPaths(desired, live, List.of("/spec", "/metadata/annotations")));
    }
}
