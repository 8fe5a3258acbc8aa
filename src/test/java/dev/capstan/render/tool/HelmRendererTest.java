package dev.capstan.render.tool;

import static dev.capstan.render.tool.TestRepo.at;
import static dev.capstan.render.tool.TestRepo.byName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import dev.capstan.render.HelmOptions;
import dev.capstan.render.ManifestSet;
import dev.capstan.render.Problem;
import dev.capstan.render.RenderException;
import dev.capstan.render.RenderRequest;
import dev.capstan.render.ToolSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Helm charts templated in-process by helm-java, on charts written per test. */
class HelmRendererTest {

    @TempDir
    Path tmp;

    private TestRepo repo() {
        return new TestRepo(tmp.resolve("repo"));
    }

    private static RenderRequest request(HelmOptions helm) {
        return new RenderRequest("shop", "shop-ns", helm, "v1.37.2");
    }

    private static ManifestSet render(TestRepo repo, String path, HelmOptions helm) throws RenderException {
        return TestRepo.render(new HelmRenderer(ToolSettings.defaults()), repo.tree(), path, request(helm));
    }

    private static String errors(RenderException e) {
        return e.errors().stream().map(Problem::toString).collect(Collectors.joining("\n"));
    }

    static TestRepo webChart(TestRepo repo, String dir) {
        return repo.file(dir + "/Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.2.3\nkubeVersion: \">=1.23.0-0\"\n")
                .file(dir + "/values.yaml", "replicas: 1\ncolor: blue\nimage: nginx:1.27\n")
                .file(dir + "/values-prod.yaml", "replicas: 3\ncolor: red\n")
                .file(dir + "/templates/_helpers.tpl", "{{- define \"web.name\" -}}{{ .Release.Name }}-web{{- end -}}\n")
                .file(dir + "/templates/deployment.yaml", """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: {{ include "web.name" . }}
                          labels: {kube: {{ .Capabilities.KubeVersion.Version | quote }}, ns: {{ .Release.Namespace | quote }}}
                        spec:
                          replicas: {{ .Values.replicas }}
                          selector: {matchLabels: {app: web}}
                          template:
                            metadata: {labels: {app: web}, annotations: {color: {{ .Values.color | quote }}}}
                            spec: {containers: [{name: web, image: {{ .Values.image | quote }}}]}
                        """)
                .file(dir + "/templates/tests/test-connection.yaml", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: {{ .Release.Name }}-test
                          annotations: {"helm.sh/hook": test}
                        spec: {restartPolicy: Never, containers: [{name: t, image: busybox}]}
                        """);
    }

    @Test
    void templatesWithReleaseNameNamespaceClusterVersionValueFilesAndInlineValuesLast() throws Exception {
        TestRepo repo = webChart(repo(), "charts/web");
        ManifestSet set = render(repo, "charts/web", new HelmOptions("", List.of("values-prod.yaml"), Map.of("color", "green"), List.of()));
        Map<String, Map<String, Object>> objects = byName(set);
        assertEquals(List.of("Deployment/shop-web"), List.copyOf(objects.keySet()), "release name = app name; test hooks left out");
        Map<String, Object> d = objects.get("Deployment/shop-web");
        assertEquals(3, ((Number) at(d, "spec", "replicas")).intValue(), "from values-prod.yaml");
        assertEquals("green", at(d, "spec", "template", "metadata", "annotations", "color"), "inline values win over files");
        assertEquals("v1.37.2", at(d, "metadata", "labels", "kube"));
        assertEquals("shop-ns", at(d, "metadata", "labels", "ns"));
        assertEquals("charts/web/templates/deployment.yaml", set.manifests().get(0).file());
        assertEquals("shop-ns", set.manifests().get(0).ref().namespace());
        assertEquals("helm", set.kind().label());
    }

    @Test
    void aReleaseNameAndHelmSetOverrideTheDefaults() throws Exception {
        TestRepo repo = webChart(repo(), "web");
        ManifestSet set = render(repo, "web", new HelmOptions("prod", List.of(), Map.of("replicas", 2), List.of("replicas=5")));
        assertEquals(5, ((Number) at(byName(set).get("Deployment/prod-web"), "spec", "replicas")).intValue());
    }

    @Test
    void vendoredDependenciesRenderAsDirectoriesAndArchives() throws Exception {
        TestRepo repo = webChart(repo(), "src/web");
        repo.file("app/Chart.yaml", """
                apiVersion: v2
                name: app
                version: 0.1.0
                dependencies:
                  - {name: web, version: 1.2.3, repository: "https://example.com/charts"}
                  - {name: cache, version: 0.1.0, repository: "file://../cache"}
                """)
                .file("app/values.yaml", "web: {replicas: 4}\n")
                .file("app/charts/cache/Chart.yaml", "apiVersion: v2\nname: cache\nversion: 0.1.0\n")
                .file("app/charts/cache/templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cache}\n");
        Files.createDirectories(repo.root.resolve("app/charts"));
        new Helm(repo.root.resolve("src/web")).packageIt().withDestination(repo.root.resolve("app/charts")).call();
        assertTrue(Files.exists(repo.root.resolve("app/charts/web-1.2.3.tgz")));
        Map<String, Map<String, Object>> objects = byName(render(repo, "app", HelmOptions.NONE));
        assertEquals(List.of("ConfigMap/cache", "Deployment/shop-web"), List.copyOf(objects.keySet()));
        assertEquals(4, ((Number) at(objects.get("Deployment/shop-web"), "spec", "replicas")).intValue());
    }

    @Test
    void aMissingDependencyIsOneErrorNamingItAndTheFix() {
        TestRepo repo = repo().file("app/Chart.yaml", """
                apiVersion: v2
                name: app
                version: 0.1.0
                dependencies: [{name: redis, version: 17.3.7, repository: "https://charts.bitnami.com/bitnami"}]
                """);
        RenderException e = assertThrows(RenderException.class, () -> render(repo, "app", HelmOptions.NONE));
        assertEquals("app/Chart.yaml: dependency \"redis\" 17.3.7 from https://charts.bitnami.com/bitnami is not in app/charts/; "
                + "Capstan renders without network access: run `helm dependency build app` and commit app/charts/", errors(e));
    }

    @Test
    void valueFilesOutsideTheRepositoryAreRefused() throws Exception {
        Files.writeString(tmp.resolve("secret.yaml"), "replicas: 9\n");
        TestRepo repo = webChart(repo(), "web").link("web/evil.yaml", tmp.resolve("secret.yaml").toString())
                .link("web/sneaky.yaml", "../../secret.yaml");
        RenderException e = assertThrows(RenderException.class, () -> render(repo, "web", new HelmOptions("",
                List.of("../../../etc/passwd", "/etc/passwd", "evil.yaml", "sneaky.yaml", "https://example.com/v.yaml"), Map.of(), List.of())));
        String message = errors(e);
        assertEquals(5, e.errors().size(), message);
        assertTrue(message.contains("value file \"../../../etc/passwd\" resolves outside the repository; refused"), message);
        assertTrue(message.contains("value file \"/etc/passwd\" resolves outside the repository; refused"), message);
        assertTrue(message.contains("value file \"evil.yaml\" (web/evil.yaml): a symlink to"), message);
        assertTrue(message.contains("value file \"sneaky.yaml\" (web/sneaky.yaml): a symlink to \"../../secret.yaml\", outside the "
                + "repository; refused"), message);
        assertTrue(message.contains("value file \"https://example.com/v.yaml\" is a URL"), message);
    }

    @Test
    void aValueFileBesideTheChartInsideTheRepositoryIsFine() throws Exception {
        TestRepo repo = webChart(repo(), "charts/web").file("envs/prod/web.yaml", "replicas: 7\n");
        ManifestSet set = render(repo, "charts/web", new HelmOptions("", List.of("../../envs/prod/web.yaml"), Map.of(), List.of()));
        assertEquals(7, ((Number) at(byName(set).get("Deployment/shop-web"), "spec", "replicas")).intValue());
    }

    @Test
    void crdsAndInstallHooksComeThroughTestAndDeleteHooksDoNot() throws Exception {
        TestRepo repo = webChart(repo(), "web")
                .file("web/crds/widgets.yaml", """
                        apiVersion: apiextensions.k8s.io/v1
                        kind: CustomResourceDefinition
                        metadata: {name: widgets.example.com}
                        spec:
                          group: example.com
                          names: {kind: Widget, plural: widgets}
                          scope: Namespaced
                          versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]
                        """)
                .file("web/templates/hooks.yaml", """
                        apiVersion: batch/v1
                        kind: Job
                        metadata:
                          name: {{ .Release.Name }}-migrate
                          annotations:
                            "helm.sh/hook": pre-install,pre-upgrade
                            "helm.sh/hook-weight": "-5"
                        spec: {template: {spec: {restartPolicy: Never, containers: [{name: m, image: busybox}]}}}
                        ---
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: {{ .Release.Name }}-cleanup
                          annotations: {"helm.sh/hook": pre-delete}
                        """);
        ManifestSet set = render(repo, "web", HelmOptions.NONE);
        Map<String, Map<String, Object>> objects = byName(set);
        assertEquals(List.of("CustomResourceDefinition/widgets.example.com", "Deployment/shop-web", "Job/shop-migrate"),
                List.copyOf(objects.keySet()));
        assertEquals("pre-install,pre-upgrade", at(objects.get("Job/shop-migrate"), "metadata", "annotations", "helm.sh/hook"));
        assertEquals("-5", at(objects.get("Job/shop-migrate"), "metadata", "annotations", "helm.sh/hook-weight"));
        assertEquals("web/crds/widgets.yaml", set.manifests().get(0).file());
        assertTrue(set.warnings().stream().anyMatch(w -> w.toString().contains("Helm hook \"pre-delete\" is not applied")),
                set.warnings().toString());
    }

    @Test
    void helmsOwnErrorsArePassedOnWithTheTemplateAndNoTempPath() {
        TestRepo repo = webChart(repo(), "web").file("web/templates/broken.yaml", "metadata: {name: {{ .Values.nope.deeper }}}\n");
        RenderException e = assertThrows(RenderException.class, () -> render(repo, "web", HelmOptions.NONE));
        String message = errors(e);
        assertTrue(message.startsWith("web/Chart.yaml: helm template failed: "), message);
        assertTrue(message.contains("templates/broken.yaml"), message);
        assertFalse(message.contains(tmp.toString()) || message.contains("capstan-render-"), message);
    }

    @Test
    void aChartRequiringANewerClusterSaysSo() {
        TestRepo repo = webChart(repo(), "web").file("web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.0.0\nkubeVersion: \">=1.99.0\"\n");
        RenderException e = assertThrows(RenderException.class, () -> render(repo, "web", HelmOptions.NONE));
        assertTrue(errors(e).contains("v1.37.2"), errors(e));
    }
}
