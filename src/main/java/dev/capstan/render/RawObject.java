package dev.capstan.render;

import java.util.Map;

/** A parsed document (or List item) before validation: data plus where it was written. */
record RawObject(Map<String, Object> object, String file, int line) {
}
