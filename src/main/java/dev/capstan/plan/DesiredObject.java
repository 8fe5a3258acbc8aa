package dev.capstan.plan;

import java.util.List;
import java.util.Map;

/**
 * An object as Capstan will apply it: the manifest with its namespace filled in and
 * ownership labels and annotations added.
 *
 * @param body plain data, ready to serialize
 * @param hash of the body without the hash annotation itself
 * @param origin {@code file:line} it came from
 * @param dependsOn refs named by {@code capstan.dev/depends-on}
 * @param wave from {@code capstan.dev/wave} (default 0): waves apply in ascending order, each after the previous is healthy
 */
public record DesiredObject(ObjectRef ref, String apiVersion, Map<String, Object> body, String hash, String origin,
                            List<ObjectRef> dependsOn, int wave) {

    /** {@code Kind/ns/name (file:line)} for messages. */
    public String describe() {
        return ref + " (" + origin + ")";
    }
}
