package dev.capstan.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
        desired.put("stringData", Map.of(key, desiredValue));
        Map<String, Object> live = new LinkedHashMap<>(desired);
        live.remove("stringData");
        live.put("data", Map.of(key, base64(liveValue)));
        // a value may show only where the object holds it outside the values: a label, a field name, or the
        // Secret's key, which the diff names on purpose (which key changed is what a reviewer needs)
        Map<String, Object> rest = new LinkedHashMap<>(desired);
        rest.remove("stringData");
        rest.remove("data");
        String elsewhere = WRITER.write(rest) + "\n" + key;
        for (Map<String, Object> l : java.util.Arrays.asList(live, null)) {
            String diff = DriftReport.of(new ObjectRef("", "Secret", "default", "s"), desired, l, List.of(), WRITER::write).diff();
            for (String value : List.of(desiredValue, base64(desiredValue), liveValue, base64(liveValue))) {
                assertFalse(diff.contains(value) && !elsewhere.contains(value), "a Secret value in the diff:\n" + diff);
            }
        }
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
