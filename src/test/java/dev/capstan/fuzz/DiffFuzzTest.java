package dev.capstan.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.capstan.plan.Diff;
import dev.capstan.plan.DriftReport;
import dev.capstan.plan.ObjectRef;
import dev.capstan.yaml.YamlDocument;
import dev.capstan.yaml.YamlException;
import dev.capstan.yaml.YamlLimits;
import dev.capstan.yaml.YamlReader;
import dev.capstan.yaml.YamlWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The diff and its normalizers on objects of any shape: an object as the server stores it is never drift against
 * itself, and a Secret's values never reach the rendered diff, whatever else the object holds.
 */
class DiffFuzzTest {

    private static final YamlReader READER = new YamlReader(YamlLimits.defaults().withMaxFileBytes(16 * 1024));
    private static final YamlWriter WRITER = new YamlWriter();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String yaml) {
        try {
            List<YamlDocument> docs = READER.readAll(yaml);
            return !docs.isEmpty() && docs.get(0).value() instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m) : null;
        } catch (YamlException e) {
            return null;
        }
    }

    @FuzzTest(maxDuration = "10s")
    void noDriftAgainstItselfAndNoSecretValueInADiff(FuzzedDataProvider data) {
        String desiredValue = "s3cr3t-" + data.consumeString(40);
        String liveValue = "l1v3-" + data.consumeString(40);
        String key = "k" + data.consumeString(10).replaceAll("[^A-Za-z0-9._-]", "");
        Map<String, Object> desired = object(data.consumeRemainingAsString());
        if (desired == null) {
            return;
        }
        assertEquals(List.of(), Diff.changedPaths(desired, Diff.normalize(desired)), "an object as stored is not drift");

        desired.put("apiVersion", "v1");
        desired.put("kind", "Secret");
        // the values are the test's alone: a fuzzed one equal to either would change which masks match
        desired.remove("data");
        desired.remove("stringData");
        for (boolean live : new boolean[] {true, false}) {
            String diff = secretDiff(desired, key, desiredValue, liveValue, live);
            String canaries = secretDiff(desired, key, "canary-in-git", "canary-in-the-cluster", live);
            assertEquals(canaries, diff, "the diff depends on the Secret's values, so it shows them");
        }
    }

    /**
     * The diff of a Secret whose value is {@code desiredValue} in Git and {@code liveValue} in the cluster.
     * A diff that hides the values is the same text whatever they are, as long as they differ from each other:
     * comparing it with the diff of two canary values finds a value shown anywhere, whole or in part, while a key,
     * a label or a field name that happens to hold the same characters is no false alarm.
     */
    private static String secretDiff(Map<String, Object> object, String key, String desiredValue, String liveValue,
            boolean live) {
        Map<String, Object> desired = new LinkedHashMap<>(object);
        desired.put("stringData", Map.of(key, desiredValue));
        Map<String, Object> inCluster = null;
        if (live) {
            inCluster = new LinkedHashMap<>(object);
            inCluster.put("data", Map.of(key, base64(liveValue)));
        }
        return DriftReport.of(new ObjectRef("", "Secret", "default", "s"), desired, inCluster, List.of(), WRITER::write).diff();
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
