package dev.capstan.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.capstan.config.ConfigException;
import dev.capstan.config.ConfigLoader;

/** The agent's config file, as an operator may get it wrong: loaded, or refused with a ConfigException naming the key. */
class ConfigFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void anyConfigIsLoadedOrRefusedNeverCrashes(FuzzedDataProvider data) {
        try {
            ConfigLoader.parse("capstan.yaml", data.consumeRemainingAsString());
        } catch (ConfigException e) {
            // refused with every problem listed: an answer
        }
    }
}
