package dev.capstan.render;

import dev.capstan.plan.ObjectRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks parsed objects the way the API server would reject them, before anything is
 * sent: required fields, names, duplicates and removed API versions. Collects every
 * problem instead of stopping at the first, so one push fixes them all.
 */
final class ManifestValidator {

    private final RenderOptions options;

    ManifestValidator(RenderOptions options) {
        this.options = options;
    }

    /** Valid objects become manifests; every problem found goes to {@code problems}. */
    List<Manifest> validate(List<RawObject> raws, List<Problem> problems) {
        KindScopes scopes = options.scopes().or(declaredByCrds(raws));
        Map<ObjectRef, Manifest> seen = new HashMap<>();
        List<Manifest> manifests = new ArrayList<>();
        for (RawObject raw : raws) {
            int before = problems.size();
            Manifest m = check(raw, scopes, problems);
            if (m == null || hasError(problems, before)) {
                continue;
            }
            Manifest first = seen.putIfAbsent(m.ref(), m);
            if (first != null) {
                problems.add(Problem.error(raw.file(), raw.line(), m.ref().toString(),
                        "duplicate object: also defined at " + first.file() + (first.line() > 0 ? ":" + first.line() : "")
                                + "; keep one of them"));
                continue;
            }
            manifests.add(m);
        }
        return manifests;
    }

    private static boolean hasError(List<Problem> problems, int from) {
        return problems.subList(from, problems.size()).stream().anyMatch(Problem::isError);
    }

    private Manifest check(RawObject raw, KindScopes scopes, List<Problem> problems) {
        Map<String, Object> o = raw.object();
        String apiVersion = string(o.get("apiVersion"));
        String kind = string(o.get("kind"));
        Object metaValue = o.get("metadata");
        Map<?, ?> meta = metaValue instanceof Map<?, ?> mm ? mm : Map.of();
        String name = string(meta.get("name"));
        String ns = string(meta.get("namespace"));
        String group = ObjectRef.groupOf(apiVersion);
        Optional<Boolean> namespaced = scopes.namespaced(group, kind == null ? "" : kind);
        String refNs = ns != null ? ns : namespaced.orElse(true) ? options.defaultNamespace() : "";
        if (namespaced.isPresent() && !namespaced.get()) {
            refNs = "";
        }
        ObjectRef ref = new ObjectRef(group, kind, refNs, name);
        String who = ref.toString();
        List<String> errors = new ArrayList<>();
        if (apiVersion == null || apiVersion.isBlank()) {
            errors.add("apiVersion is missing; add e.g. apiVersion: v1 or apps/v1");
        }
        if (kind == null || kind.isBlank()) {
            errors.add("kind is missing; every object needs its kind (Deployment, Service, ...)");
        }
        if (metaValue != null && !(metaValue instanceof Map)) {
            errors.add("metadata must be a map");
        } else if (meta.get("name") != null && name == null) {
            errors.add("metadata.name must be a string; quote it (name: \"" + meta.get("name") + "\")");
        } else if (name == null || name.isBlank()) {
            errors.add(meta.get("generateName") != null
                    ? "metadata.generateName is not supported: a GitOps object needs a fixed metadata.name"
                    : "metadata.name is missing");
        } else {
            NameRules.checkName(group, kind == null ? "" : kind, name, namespaced.isPresent()).ifPresent(errors::add);
        }
        if (ns != null) {
            NameRules.checkNamespace(ns).ifPresent(errors::add);
        } else if (meta.get("namespace") != null) {
            errors.add("metadata.namespace must be a string");
        }
        outsideManagedNamespaces(ref, namespaced).ifPresent(errors::add);
        if (apiVersion != null && kind != null) {
            options.apiPolicy().judge(apiVersion, kind).ifPresent(v -> {
                if (v.severity() == Severity.ERROR) {
                    errors.add(v.message());
                } else {
                    problems.add(Problem.warning(raw.file(), raw.line(), who, v.message()));
                }
            });
        }
        for (String e : errors) {
            problems.add(Problem.error(raw.file(), raw.line(), who, e));
        }
        return errors.isEmpty() ? new Manifest(ref, apiVersion, o, raw.file(), raw.line()) : null;
    }

    /** Why a namespaced install's agent cannot manage the object, when it cannot. */
    private Optional<String> outsideManagedNamespaces(ObjectRef ref, Optional<Boolean> namespaced) {
        Set<String> managed = options.managedNamespaces();
        if (managed.isEmpty() || ref.kind() == null) {
            return Optional.empty();
        }
        if (namespaced.isPresent() && !namespaced.get()) {
            return Optional.of("a cluster-scoped " + ref.kind() + " cannot be managed by this agent, which manages only the "
                    + "namespaces " + new TreeSet<>(managed) + " (managedNamespaces); create it another way, or install "
                    + "Capstan cluster-wide (deploy/rbac.yaml, managedNamespaces: [\"*\"])");
        }
        if (!ref.namespace().isEmpty() && !managed.contains(ref.namespace())) {
            return Optional.of("namespace " + ref.namespace() + " is not managed by this agent " + new TreeSet<>(managed)
                    + "; deploy to one of those namespaces, or add it to managedNamespaces and grant the agent a Role "
                    + "there (deploy/namespaced/)");
        }
        return Optional.empty();
    }

    /** Scopes declared by CustomResourceDefinitions in the same render (spec.scope). */
    private static KindScopes declaredByCrds(List<RawObject> raws) {
        Map<String, Boolean> declared = new HashMap<>();
        for (RawObject raw : raws) {
            Map<String, Object> o = raw.object();
            if (!"CustomResourceDefinition".equals(o.get("kind")) || !(o.get("spec") instanceof Map<?, ?> spec)) {
                continue;
            }
            if (spec.get("names") instanceof Map<?, ?> names && names.get("kind") instanceof String k
                    && spec.get("group") instanceof String g) {
                declared.put(g + "/" + k, !"Cluster".equals(spec.get("scope")));
            }
        }
        return (group, kind) -> Optional.ofNullable(declared.get(group + "/" + kind));
    }

    private static String string(Object value) {
        return value instanceof String s ? s : null;
    }
}
