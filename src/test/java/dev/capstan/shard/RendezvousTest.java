package dev.capstan.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Same members, same owner everywhere; a member leaving moves only its own apps. */
class RendezvousTest {

    @Test
    void spreadsAppsEvenlyAndMovesOnlyTheLeaversApps() {
        List<String> three = List.of("capstan-a", "capstan-b", "capstan-c");
        List<String> two = List.of("capstan-a", "capstan-c");
        Map<String, Integer> load = new HashMap<>();
        int moved = 0;
        for (int i = 0; i < 3000; i++) {
            String app = "app-" + i;
            String before = Rendezvous.owner(app, three);
            load.merge(before, 1, Integer::sum);
            String after = Rendezvous.owner(app, two);
            if (!before.equals("capstan-b")) {
                assertEquals(before, after, app + " moved though its owner stayed");
            } else {
                moved++;
            }
            assertEquals(before, Rendezvous.owner(app, List.of("capstan-c", "capstan-b", "capstan-a")), "order does not matter");
        }
        load.values().forEach(n -> assertTrue(n > 850 && n < 1150, "uneven: " + load));
        assertEquals(load.get("capstan-b"), moved);
        assertNull(Rendezvous.owner("app", List.of()));
    }
}
