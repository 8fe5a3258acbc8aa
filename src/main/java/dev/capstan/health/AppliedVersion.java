package dev.capstan.health;

import java.util.Map;

/**
 * The version of an object the API server returned for our apply. A watch-fed cache can
 * lag the apply by a few milliseconds; health must not be judged on the object as it was
 * before, so waiters check the cached object has caught up with this.
 */
public record AppliedVersion(String resourceVersion, Long generation) {

    /** Whether {@code live} (plain data from the cache) is this version or a later one. */
    public boolean seenIn(Map<String, Object> live) {
        if (!(live.get("metadata") instanceof Map<?, ?> meta)) {
            return false;
        }
        if (generation != null && meta.get("generation") instanceof Number g && g.longValue() >= generation) {
            return true;
        }
        Object rv = meta.get("resourceVersion");
        if (rv == null || resourceVersion == null) {
            return false;
        }
        if (rv.toString().equals(resourceVersion)) {
            return true;
        }
        // resourceVersions are etcd revisions: comparable as numbers in practice, though the API calls them opaque
        try {
            return Long.parseLong(rv.toString()) >= Long.parseLong(resourceVersion);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
