package dev.capstan.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Requests are counted by the verb the API server's audit log would give them. */
class KubeRequestsTest {

    @Test
    void verbs() {
        assertEquals("dry-run", KubeRequests.verb("PATCH", "fieldManager=capstan&dryRun=All&force=true"));
        assertEquals("patch", KubeRequests.verb("PATCH", "fieldManager=capstan&force=true"));
        assertEquals("watch", KubeRequests.verb("GET", "resourceVersion=1&watch=true"));
        assertEquals("get-or-list", KubeRequests.verb("GET", ""));
        assertEquals("create", KubeRequests.verb("POST", ""));
        assertEquals("delete", KubeRequests.verb("DELETE", "propagationPolicy=Background"));
    }
}
