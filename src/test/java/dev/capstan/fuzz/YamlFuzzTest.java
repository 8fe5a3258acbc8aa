package dev.capstan.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.capstan.yaml.YamlException;
import dev.capstan.yaml.YamlLimits;
import dev.capstan.yaml.YamlReader;

/** Every manifest file a repository holds passes through the YAML reader: whatever it holds, an answer or a YamlException. */
class YamlFuzzTest {

    private static final YamlReader READER = new YamlReader(YamlLimits.defaults().withMaxFileBytes(64 * 1024));

    @FuzzTest(maxDuration = "10s")
    void anyFileIsReadOrRefusedNeverCrashes(FuzzedDataProvider data) {
        try {
            READER.readAll(data.consumeRemainingAsString());
        } catch (YamlException e) {
            // refused, with a message naming the line: an answer
        }
    }
}
