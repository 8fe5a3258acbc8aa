package dev.capstan.plan;

/**
 * The labels and annotations by which Capstan marks what it manages. The tracking id is
 * the authority: a label can be copied with an object, but an id naming another app (or
 * another object) means the object is not ours, and it is never overwritten or pruned.
 */
public final class Ownership {

    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "capstan";
    public static final String APP_LABEL = "capstan.dev/app";
    public static final String TRACKING_ID = "capstan.dev/tracking-id";
    public static final String PRUNE = "capstan.dev/prune";
    public static final String DEPENDS_ON = "capstan.dev/depends-on";
    public static final String WAVE = "capstan.dev/wave";
    /** Hash of the desired object as last applied: catches fields removed from Git, which a subset diff cannot see. */
    public static final String APPLIED_HASH = "capstan.dev/applied-hash";

    private Ownership() {
    }

    /**
     * The {@link #APP_LABEL} value for an app: its name, shortened with a hash when it is
     * longer than a label value may be (an Application's {@code <namespace>_<name>} key can
     * be). Only for selecting: the tracking id carries the full name.
     */
    public static String appLabel(String app) {
        if (app.length() <= 63) {
            return app;
        }
        return app.substring(0, 54) + "-" + String.format("%08x", app.hashCode());
    }

    /** {@code <app>:<group>/<Kind>:<namespace>/<name>} */
    public static String trackingId(String app, ObjectRef ref) {
        return app + ":" + ref.group() + "/" + ref.kind() + ":" + ref.namespace() + "/" + ref.name();
    }

    /** The app a tracking id names, or null when it is not one. */
    public static String appOf(String trackingId) {
        if (trackingId == null) {
            return null;
        }
        int colon = trackingId.indexOf(':');
        return colon > 0 ? trackingId.substring(0, colon) : null;
    }
}
