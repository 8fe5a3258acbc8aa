package dev.capstan.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capstan.health.Health;
import dev.capstan.health.ObjectHealth;
import dev.capstan.plan.ObjectRef;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the status says while a sync waits on health. */
class StatusRecorderTest {

    private static ObjectHealth pending(String name, String message) {
        return new ObjectHealth(new ObjectRef("apps", "Deployment", "shop", name), Health.progressing(message));
    }

    @Test
    void namesThePendingObjectsWhyAndTheTimeLeft() {
        assertEquals("waiting for 2 of 35 objects: Deployment/shop/web: 1 of 3 replicas available; Deployment/shop/cart: "
                        + "0 of 1 replicas available (40s of 5m)",
                StatusRecorder.waitingMessage(List.of(pending("web", "1 of 3 replicas available"),
                        pending("cart", "0 of 1 replicas available")), 35, Duration.ofMillis(40_700), Duration.ofMinutes(5)));
    }

    @Test
    void listsThreeAndCountsTheRest() {
        List<ObjectHealth> five = List.of(pending("a", "x"), pending("b", "x"), pending("c", "x"), pending("d", "x"),
                pending("e", "x"));
        assertEquals("waiting for 5 of 9 objects: Deployment/shop/a: x; Deployment/shop/b: x; Deployment/shop/c: x; and 2 more "
                + "(0s of 1m30s)", StatusRecorder.waitingMessage(five, 9, Duration.ZERO, Duration.ofSeconds(90)));
    }
}
