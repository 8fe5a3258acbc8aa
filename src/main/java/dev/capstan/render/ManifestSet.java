package dev.capstan.render;

import dev.capstan.plan.ApplyOrder;
import java.util.Comparator;
import java.util.List;

/** The desired state of one application at one revision: objects in apply order, plus warnings, and how they were rendered. */
public record ManifestSet(List<Manifest> manifests, List<Problem> warnings, RenderKind kind) {

    public ManifestSet(List<Manifest> manifests, List<Problem> warnings) {
        this(manifests, warnings, RenderKind.PLAIN);
    }

    public ManifestSet {
        manifests = manifests.stream()
                .sorted(Comparator.comparing(Manifest::ref, ApplyOrder.COMPARATOR))
                .toList();
        warnings = warnings.stream().sorted(Problem.ORDER).toList();
    }

    public int size() {
        return manifests.size();
    }
}
