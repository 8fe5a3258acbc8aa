package dev.capstan.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The delivery ids of the last verified webhook deliveries. A captured delivery stays
 * correctly signed forever (GitHub's signature covers the body, not a time), so without
 * this anyone who saw one could replay it to make every app it names sync again. Only
 * verified deliveries are recorded: a sender without the secret cannot fill the window.
 */
final class DeliveryIds {

    private final Map<String, Boolean> seen;

    DeliveryIds(int capacity) {
        this.seen = new LinkedHashMap<>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** True the first time {@code id} is offered; an absent id is always new. */
    synchronized boolean first(String id) {
        return id == null || id.isEmpty() || seen.put(id, Boolean.TRUE) == null;
    }
}
