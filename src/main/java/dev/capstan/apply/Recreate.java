package dev.capstan.apply;

import dev.capstan.plan.ObjectRef;
import java.util.Map;

/**
 * When an object refused for immutable fields may be deleted and created again within
 * the sync: with {@code capstan.dev/recreate: enabled} on the object, or the app's
 * {@code sync.recreate: true}. Never a Namespace or a CRD (deleting one deletes everything
 * in it); a PersistentVolumeClaim only with the annotation on itself (its data goes with it).
 */
final class Recreate {

    static final String ANNOTATION = "capstan.dev/recreate";

    /** @param hint what the user can do when it is not allowed */
    record Verdict(boolean allowed, String hint) {
    }

    private Recreate() {
    }

    static Verdict judge(ObjectRef ref, Map<String, Object> body, boolean appRecreate) {
        String kind = ref.kind();
        if (kind.equals("Namespace") || kind.equals("CustomResourceDefinition")) {
            return new Verdict(false, "Capstan never deletes and recreates a " + kind
                    + " (everything in it would go); change it by hand, or revert the change in Git");
        }
        boolean annotated = "enabled".equals(annotation(body));
        if (annotated) {
            return new Verdict(true, "");
        }
        if (kind.equals("PersistentVolumeClaim")) {
            return new Verdict(false, "a PersistentVolumeClaim is recreated only with the annotation " + ANNOTATION
                    + ": enabled on itself, as its data is lost; add it if that is what you want");
        }
        if (appRecreate) {
            return new Verdict(true, "");
        }
        return new Verdict(false, "these fields cannot change in place: add the annotation " + ANNOTATION
                + ": enabled to the object (or set sync.recreate: true on the application) and Capstan deletes it and "
                + "creates it again");
    }

    private static Object annotation(Map<String, Object> body) {
        return body.get("metadata") instanceof Map<?, ?> meta && meta.get("annotations") instanceof Map<?, ?> a
                ? a.get(ANNOTATION) : null;
    }
}
