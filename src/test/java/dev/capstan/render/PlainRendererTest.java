package dev.capstan.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.source.LocalDirectoryTree;
import dev.capstan.yaml.YamlLimits;
import dev.capstan.yaml.YamlWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Plain rendering and validation, one fixture directory per case. */
class PlainRendererTest {

    @TempDir
    Path tmp;

    private static ManifestSet render(Path dir, RenderOptions options) throws RenderException {
        return new PlainRenderer(options).render(new LocalDirectoryTree(dir), "");
    }

    private static List<String> problems(Path dir, RenderOptions options) {
        RenderException e = assertThrows(RenderException.class, () -> render(dir, options));
        return e.problems().stream().map(Problem::toString).toList();
    }

    /** Each listed line must start one reported problem, and nothing else may be reported. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"python-web-app-extensions-v1beta1", "missing-fields", "invalid-names", "duplicate-objects",
            "invalid-yaml", "duplicate-keys", "billion-laughs", "not-an-object", "removed-apis", "errors-in-many-files", "kustomization", "nested-chart"})
    void reportsEveryProblemWithFileLineAndObject(String fixture) throws Exception {
        Path dir = Fixtures.dir("invalid/" + fixture);
        List<String> expected = Files.readAllLines(dir.resolve("expected-errors.txt"));
        List<String> actual = problems(dir, RenderOptions.defaults());
        assertEquals(expected.size(), actual.size(), "problems reported: " + String.join("\n", actual));
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(actual.get(i).startsWith(expected.get(i)), "expected\n  " + expected.get(i) + "\ngot\n  " + actual.get(i));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"multi-doc-and-lists", "apply-order"})
    void rendersInApplyOrderAsKubectlWouldReadIt(String fixture) throws Exception {
        Path dir = Fixtures.dir("valid/" + fixture);
        ManifestSet set = render(dir, RenderOptions.defaults());
        String yaml = new YamlWriter().writeAll(set.manifests().stream().map(Manifest::object).toList());
        assertEquals(Files.readString(dir.resolve("expected-output.txt")), yaml);
    }

    @Test
    void billionLaughsFailsFast() {
        long start = System.nanoTime();
        List<String> problems = problems(Fixtures.dir("invalid/billion-laughs"), RenderOptions.defaults());
        assertTrue(problems.get(0).contains("lol.yaml"), problems.get(0));
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "must not expand the aliases");
    }

    /** Input on which the YAML parser itself throws (found by fuzzing) is one named problem, not a failed sync. */
    @Test
    void yamlTheParserFailsOnIsAProblemOfItsFile() throws Exception {
        Files.writeString(tmp.resolve("tagged.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: !<%20x> v}\n");
        Files.writeString(tmp.resolve("ok.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n");
        List<String> problems = problems(tmp, RenderOptions.defaults());
        assertEquals(1, problems.size(), String.join("\n", problems));
        assertTrue(problems.get(0).startsWith("tagged.yaml") && problems.get(0).contains("invalid YAML"), problems.get(0));
    }

    @Test
    void refusesSymlinksThatLeaveTheApplicationPath() throws Exception {
        Path app = Files.createDirectories(tmp.resolve("repo/app"));
        Files.writeString(tmp.resolve("repo/secret.yaml"), "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n");
        Files.writeString(app.resolve("cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
        Files.createSymbolicLink(app.resolve("up.yaml"), Path.of("../secret.yaml"));
        Files.createSymbolicLink(app.resolve("abs.yaml"), Path.of("/etc/hostname"));
        Files.createSymbolicLink(app.resolve("inside.yaml"), Path.of("cm.yaml"));
        RenderException e = assertThrows(RenderException.class,
                () -> new PlainRenderer(RenderOptions.defaults()).render(new LocalDirectoryTree(tmp.resolve("repo")), "app"));
        List<String> messages = e.problems().stream().map(Problem::toString).toList();
        assertEquals(List.of(
                "app/abs.yaml: symlink to \"/etc/hostname\" points outside the application path; refused (copy the file into app instead)",
                "app/up.yaml: symlink to \"../secret.yaml\" points outside the application path; refused (copy the file into app instead)"),
                messages);
    }

    @Test
    void symlinksInsideTheApplicationPathAreNotRenderedTwice() throws Exception {
        Path app = Files.createDirectories(tmp.resolve("app/sub"));
        Files.writeString(app.resolve("cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
        Files.createSymbolicLink(tmp.resolve("app/alias.yaml"), Path.of("sub/cm.yaml"));
        assertEquals(1, render(tmp.resolve("app"), RenderOptions.defaults()).size());
    }

    @Test
    void refusesFilesThatAreNotUtf8() throws Exception {
        Files.write(tmp.resolve("latin1.yaml"),
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {city: M\u00fcnchen}\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(List.of("latin1.yaml: file is not valid UTF-8; save it as UTF-8"), problems(tmp, RenderOptions.defaults()));
    }

    @Test
    void acceptsUtf8WithAByteOrderMark() throws Exception {
        Files.writeString(tmp.resolve("bom.yaml"), "\uFEFFapiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
        assertEquals(1, render(tmp, RenderOptions.defaults()).size());
    }

    @Test
    void enforcesFileSizeAndDocumentCountLimits() throws Exception {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            many.append("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c").append(i).append("}\n");
        }
        Files.writeString(tmp.resolve("many.yaml"), many);
        Files.writeString(tmp.resolve("big.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata: {x: \""
                + "x".repeat(2000) + "\"}\n");
        RenderOptions limited = RenderOptions.defaults().withLimits(YamlLimits.defaults().withMaxDocuments(5).withMaxFileBytes(1000));
        List<String> problems = problems(tmp, limited);
        assertEquals(2, problems.size(), String.join("\n", problems));
        assertTrue(problems.get(0).startsWith("big.yaml: file is 2"), problems.get(0));
        assertTrue(problems.get(0).endsWith("over the limit of 1000; split it or raise render.maxFileBytes"), problems.get(0));
        assertTrue(problems.get(1).startsWith("many.yaml:"), problems.get(1));
        assertTrue(problems.get(1).contains("more than 5 documents in one file"), problems.get(1));
        assertEquals(7, render(tmp, RenderOptions.defaults()).size(), "within the default limits both files render");
    }

    @Test
    void judgesApiVersionsAgainstTheTargetKubernetesVersion() throws Exception {
        Files.writeString(tmp.resolve("ingress.yaml"), "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\n");
        ManifestSet on120 = render(tmp, RenderOptions.defaults().withApiPolicy(ApiVersionPolicy.offline(KubeVersion.parse("1.20"))));
        assertEquals(1, on120.size());
        assertEquals(List.of("ingress.yaml:1: Ingress/default/web: warning: apiVersion extensions/v1beta1 is deprecated and "
                + "removed in Kubernetes 1.22; use networking.k8s.io/v1"), on120.warnings().stream().map(Problem::toString).toList());
        assertEquals(List.of("ingress.yaml:1: Ingress/default/web: apiVersion extensions/v1beta1 was removed in Kubernetes 1.22; "
                + "use networking.k8s.io/v1"), problems(tmp, RenderOptions.defaults()
                .withApiPolicy(ApiVersionPolicy.offline(KubeVersion.parse("v1.22.3")))));
    }

    @Test
    void missingApplicationPathIsAnError() {
        List<String> problems = assertThrows(RenderException.class, () -> new PlainRenderer(RenderOptions.defaults())
                .render(new LocalDirectoryTree(tmp), "no/such/dir")).problems().stream().map(Problem::toString).toList();
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("no/such/dir: no such directory in "), problems.get(0));
    }

    @Test
    void aNamespacedInstallRefusesClusterScopedObjectsAndOtherNamespacesByName() throws Exception {
        Files.writeString(tmp.resolve("a.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n"
                + "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n"
                + "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d, namespace: other}\n---\n"
                + "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: e, namespace: apps}\n");
        RenderOptions namespaced = RenderOptions.defaults().withDefaultNamespace("shop").withManagedNamespaces(List.of("shop", "apps"));
        assertEquals(List.of(
                "a.yaml:5: Namespace/shop: a cluster-scoped Namespace cannot be managed by this agent, which manages only the "
                        + "namespaces [apps, shop] (managedNamespaces); create it another way, or install Capstan cluster-wide "
                        + "(deploy/rbac.yaml, managedNamespaces: [\"*\"])",
                "a.yaml:9: ConfigMap/other/d: namespace other is not managed by this agent [apps, shop]; deploy to one of those "
                        + "namespaces, or add it to managedNamespaces and grant the agent a Role there (deploy/namespaced/)"),
                problems(tmp, namespaced));
        Files.writeString(tmp.resolve("a.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
        assertEquals(1, render(tmp, namespaced).size());
    }

    @Test
    void destinationNamespaceFillsRefsOfNamespacedObjectsOnly() throws Exception {
        Files.writeString(tmp.resolve("a.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n"
                + "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n"
                + "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d, namespace: other}\n");
        ManifestSet set = render(tmp, RenderOptions.defaults().withDefaultNamespace("shop"));
        assertEquals(List.of("Namespace/shop", "ConfigMap/other/d", "ConfigMap/shop/c"),
                set.manifests().stream().map(m -> m.ref().toString()).toList());
        assertTrue(set.manifests().get(2).object().get("metadata") instanceof java.util.Map<?, ?> meta && !meta.containsKey("namespace"),
                "render does not rewrite the object");
    }
}
