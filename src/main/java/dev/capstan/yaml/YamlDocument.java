package dev.capstan.yaml;

import java.util.Map;

/**
 * One document of a YAML stream as plain Java data (maps keep key order), with the line
 * it starts on and the line of every map in it, so errors can point at the object
 * (an item of a {@code kind: List} included).
 */
public record YamlDocument(Object value, int line, Map<Object, Integer> mapLines) {

    /** The line a map of this document starts on, or the document's line. */
    public int lineOf(Object map) {
        Integer l = mapLines.get(map);
        return l == null ? line : l;
    }
}
