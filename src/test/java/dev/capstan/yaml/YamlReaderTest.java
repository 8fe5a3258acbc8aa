package dev.capstan.yaml;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Input that trips snakeyaml-engine itself is a refused file with a message, as any invalid YAML is. */
class YamlReaderTest {

    private final YamlReader reader = new YamlReader(YamlLimits.defaults());

    @Test
    void aLoneHighSurrogateAtTheEndOfTheParsersBufferIsRefused() {
        String text = "a: " + "b".repeat(1021) + "\uD800";
        YamlException e = assertThrows(YamlException.class, () -> reader.readAll(text));
        assertTrue(e.getMessage().contains("invalid YAML"), e.getMessage());
    }

    @Test
    void aTagThatDecodesToASpaceIsRefused() {
        YamlException e = assertThrows(YamlException.class, () -> reader.readAll("a: !<%20x> b\n"));
        assertTrue(e.getMessage().contains("invalid YAML"), e.getMessage());
    }
}
