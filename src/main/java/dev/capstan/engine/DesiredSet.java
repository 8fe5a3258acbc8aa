package dev.capstan.engine;

import dev.capstan.plan.ApplyOrder;
import dev.capstan.plan.DesiredObject;
import dev.capstan.plan.DesiredObjects;
import dev.capstan.plan.HookWaves;
import dev.capstan.render.Manifest;
import dev.capstan.render.ManifestSet;
import java.util.ArrayList;
import java.util.List;

/** A rendered manifest set as the objects an application applies, in apply order. Shared by the agent and the CLI. */
public final class DesiredSet {
    private DesiredSet() {
    }

    /** @throws IllegalArgumentException for a bad {@code capstan.dev/depends-on} (unreadable, or a cycle) */
    public static List<DesiredObject> of(String app, ManifestSet manifests) {
        List<DesiredObject> out = new ArrayList<>();
        for (Manifest m : manifests.manifests()) {
            try {
                out.add(DesiredObjects.prepare(app, m.ref(), m.apiVersion(), m.object(),
                        m.file() + (m.line() > 0 ? ":" + m.line() : "")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(m.origin() + ": " + e.getMessage(), e);
            }
        }
        return ApplyOrder.sort(HookWaves.assign(out));
    }
}
