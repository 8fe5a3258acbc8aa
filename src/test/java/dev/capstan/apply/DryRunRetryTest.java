package dev.capstan.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which failed dry-runs are sent again, and after how long: pure. */
class DryRunRetryTest {

    private static final String WRONG_TYPE = "failed to create typed patch object (/d; apps/v1, Kind=Deployment): "
            + ".spec.replicas: expected numeric (int or float), got string";
    private static final String BAD_BASE64 = "failed to convert new object (/s; /v1, Kind=Secret) to proper version: "
            + "unable to convert unstructured object to /v1, Kind=Secret: error decoding from json: illegal base64 data at input byte 0";

    @Test
    void aManifestTheServerCannotDecodeIsFinalAtOnceThoughItComesAsA500() {
        assertEquals(Optional.empty(), DryRunRetry.after(1, 500, WRONG_TYPE, null, false));
        assertEquals(Optional.empty(), DryRunRetry.after(1, 500, BAD_BASE64, null, false));
        assertTrue(DryRunRetry.after(1, 500, "Internal error occurred: etcdserver: leader changed", null, false).isPresent());
        ApiError e = ApiError.describe(500, null, WRONG_TYPE, java.util.List.of(), false, java.util.Map.of("kind", "Deployment"));
        assertTrue(e.permanent(), "held like a 422: only a new commit helps");
        assertTrue(e.text().contains(".spec.replicas: expected numeric") && e.text().contains("does not fit the API's schema"), e.text());
    }

    @Test
    void transientFailuresBackOffExponentiallyAndA429WaitsAsAsked() {
        assertEquals(Optional.of(Duration.ofMillis(100)), DryRunRetry.after(1, 503, "unavailable", null, false));
        assertEquals(Optional.of(Duration.ofMillis(400)), DryRunRetry.after(3, 0, null, null, false), "a connection failure");
        assertEquals(Optional.of(Duration.ofMillis(1600)), DryRunRetry.after(5, 504, "timeout", null, false));
        assertEquals(Optional.of(Duration.ofMillis(100)), DryRunRetry.after(1, -1, null, null, false), "no answer at all");
        assertEquals(Optional.of(Duration.ofSeconds(2)), DryRunRetry.after(1, 429, "too many requests", 2, false));
        assertEquals(Optional.of(Duration.ofSeconds(30)), DryRunRetry.after(1, 429, "too many requests", 600, false),
                "a Retry-After beyond reason is capped");
        assertEquals(Optional.empty(), DryRunRetry.after(DryRunRetry.ATTEMPTS, 503, "unavailable", null, false), "then it gives up");
    }

    @Test
    void aRefusalIsFinalUnlessTheKindWasServedAMomentAgo() {
        assertEquals(Optional.empty(), DryRunRetry.after(1, 422, "invalid", null, false));
        assertEquals(Optional.empty(), DryRunRetry.after(1, 403, "forbidden", null, false));
        assertEquals(Optional.empty(), DryRunRetry.after(1, 404, "not found", null, false));
        assertTrue(DryRunRetry.after(1, 404, "not found", null, true).isPresent(), "a CRD's endpoint settling");
        assertTrue(DryRunRetry.after(DryRunRetry.ATTEMPTS, 404, "not found", null, true).isPresent(), "for longer");
        assertEquals(Optional.empty(), DryRunRetry.after(DryRunRetry.SETTLING_ATTEMPTS, 404, "not found", null, true));
    }
}
