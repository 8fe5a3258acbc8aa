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
            "secret-value-changed", "list-length-and-label-changes", "injected-sidecar-and-reordered-env", "env-value-really-changed", "hpa-owned-replicas", "aggregated-clusterrole", "endpoints-addresses-unordered", "configmap-value-changed"})
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
}
