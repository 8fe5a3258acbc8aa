package dev.capstan.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capstan.health.GatePolicy.Gate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a health gate waits for, kind by kind, and the {@code capstan.dev/health} annotation over it. */
class GatePolicyTest {

    @ParameterizedTest(name = "{0} {1} type={2} annotation={3} -> {4}")
    @CsvSource(nullValues = "-", textBlock = """
            apps/v1,                    Deployment,               -,            -,      WAIT
            apps/v1,                    StatefulSet,              -,            -,      WAIT
            batch/v1,                   Job,                      -,            -,      WAIT
            v1,                         PersistentVolumeClaim,    -,            -,      WAIT
            apiextensions.k8s.io/v1,    CustomResourceDefinition, -,            -,      WAIT
            example.com/v1,             Widget,                   -,            -,      WAIT
            v1,                         Service,                  ClusterIP,    -,      WAIT
            v1,                         Service,                  LoadBalancer, -,      REPORT
            networking.k8s.io/v1,       Ingress,                  -,            -,      REPORT
            extensions/v1beta1,         Ingress,                  -,            -,      REPORT
            example.com/v1,             Service,                  LoadBalancer, -,      WAIT
            v1,                         Service,                  LoadBalancer, wait,   WAIT
            networking.k8s.io/v1,       Ingress,                  -,            wait,   WAIT
            apps/v1,                    Deployment,               -,            ignore, IGNORE
            v1,                         Service,                  LoadBalancer, ignore, IGNORE
            apps/v1,                    Deployment,               -,            maybe,  WAIT
            """)
    void gate(String apiVersion, String kind, String type, String annotation, Gate expected) {
        Map<String, Object> meta = new LinkedHashMap<>(Map.of("name", "x"));
        if (annotation != null) {
            meta.put("annotations", Map.of(GatePolicy.ANNOTATION, annotation));
        }
        Map<String, Object> manifest = new LinkedHashMap<>(Map.of("apiVersion", apiVersion, "kind", kind, "metadata", meta));
        if (type != null) {
            manifest.put("spec", Map.of("type", type));
        }
        assertEquals(expected, GatePolicy.of(manifest));
    }
}
