package dev.capstan.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void objectsThatFailedAlikeAreNamedTogether() {
        List<String[]> failures = new ArrayList<>();
        failures.add(new String[] {"Deployment/shop/web (web.yaml:1)", "dry-run failed: spec.replicas: -1: must be greater than or equal to 0"});
        for (int i = 0; i < 180; i++) {
            failures.add(new String[] {"ConfigMap/shop/cm-" + i + " (cm-" + i + ".yaml:1)", "dry-run failed: ServiceUnavailable"});
        }
        assertEquals("Deployment/shop/web (web.yaml:1): dry-run failed: spec.replicas: -1: must be greater than or equal to 0; "
                + "180 objects (ConfigMap/shop/cm-0 (cm-0.yaml:1), ConfigMap/shop/cm-1 (cm-1.yaml:1), ConfigMap/shop/cm-2 (cm-2.yaml:1) "
                + "and 177 more): dry-run failed: ServiceUnavailable", Failures.summarize(failures));
        assertEquals("a: x; b: x; c: y", Failures.summarize(List.of(new String[] {"a", "x"}, new String[] {"b", "x"},
                new String[] {"c", "y"})), "a few are each named as before");
    }
}
