package dev.capstan.plan;

import java.util.Comparator;
import java.util.Objects;

/**
 * The identity of a Kubernetes object independent of its API version: two manifests with
 * the same ref are the same live object, whichever version they were written in.
 * Printed {@code Kind/namespace/name}, or {@code Kind/name} when cluster-scoped.
 */
public record ObjectRef(String group, String kind, String namespace, String name) implements Comparable<ObjectRef> {

    private static final Comparator<ObjectRef> ORDER = Comparator.comparing(ObjectRef::group)
            .thenComparing(ObjectRef::kind)
            .thenComparing(ObjectRef::namespace)
            .thenComparing(ObjectRef::name);

    public ObjectRef {
        group = Objects.requireNonNullElse(group, "");
        kind = Objects.requireNonNullElse(kind, "");
        namespace = Objects.requireNonNullElse(namespace, "");
        name = Objects.requireNonNullElse(name, "");
    }

    /** The group of an {@code apiVersion}: {@code apps/v1} -> {@code apps}, {@code v1} -> the core group "". */
    public static String groupOf(String apiVersion) {
        if (apiVersion == null) {
            return "";
        }
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    @Override
    public String toString() {
        String k = kind.isEmpty() ? "<no kind>" : kind;
        String n = name.isEmpty() ? "<no name>" : name;
        return namespace.isEmpty() ? k + "/" + n : k + "/" + namespace + "/" + n;
    }

    @Override
    public int compareTo(ObjectRef o) {
        return ORDER.compare(this, o);
    }
}
