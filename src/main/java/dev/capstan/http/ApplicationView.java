package dev.capstan.http;

import java.util.Map;

/**
 * What the HTTP layer may know of an application: its name and a read-only snapshot of
 * its status as JSON. The agent's status implements it; http depends on nothing of the
 * agent or the engine, so there is no cycle between them.
 */
public interface ApplicationView {

    String name();

    /** {@code GET /api/v1/applications/{name}}: a consistent snapshot, taken under the status's lock. */
    Map<String, Object> toJson();
}
