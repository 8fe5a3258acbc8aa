package dev.capstan.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.capstan.health.HealthChecks;
import dev.capstan.yaml.YamlDocument;
import dev.capstan.yaml.YamlException;
import dev.capstan.yaml.YamlLimits;
import dev.capstan.yaml.YamlReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Health is judged on whatever a live object's status holds (controllers of every version, custom resources with
 * their own conditions): a verdict for every shape, never an exception that would stop the app's health gate.
 */
class HealthFuzzTest {

    private static final YamlReader READER = new YamlReader(YamlLimits.defaults().withMaxFileBytes(16 * 1024));
    private static final String[][] KINDS = {{"apps/v1", "Deployment"}, {"apps/v1", "StatefulSet"}, {"apps/v1", "DaemonSet"},
        {"apps/v1", "ReplicaSet"}, {"batch/v1", "Job"}, {"v1", "Pod"}, {"v1", "Service"}, {"v1", "PersistentVolumeClaim"},
        {"networking.k8s.io/v1", "Ingress"}, {"apiextensions.k8s.io/v1", "CustomResourceDefinition"},
        {"autoscaling/v2", "HorizontalPodAutoscaler"}, {"example.com/v1", "Widget"}};

    @FuzzTest(maxDuration = "10s")
    void anyObjectGetsAVerdictNeverAnException(FuzzedDataProvider data) {
        String[] kind = KINDS[data.consumeInt(0, KINDS.length - 1)];
        Object spec = value(data.consumeString(2000));
        Object status = value(data.consumeRemainingAsString());
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("apiVersion", kind[0]);
        object.put("kind", kind[1]);
        object.put("metadata", Map.of("name", "x", "namespace", "default", "generation", 2));
        object.put("spec", spec);
        object.put("status", status);
        assertNotNull(HealthChecks.assess(object));
    }

    private static Object value(String yaml) {
        try {
            List<YamlDocument> docs = READER.readAll(yaml);
            return docs.isEmpty() ? null : docs.get(0).value();
        } catch (YamlException e) {
            return yaml;
        }
    }
}
