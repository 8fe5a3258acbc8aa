package dev.capstan.render;

import java.util.Map;

/**
 * A parsed document (or List item) before validation: data plus where it was written.
 * Never modified once made: renders are cached and shared between syncs.
 *
 * @param line 1-based line in {@code file}, 0 when the object came out of a tool
 */
public record RawObject(Map<String, Object> object, String file, int line) {
}
