package dev.capstan.render.tool;

import static dev.capstan.render.tool.TestRepo.at;
import static dev.capstan.render.tool.TestRepo.byName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.render.HelmOptions;
import dev.capstan.render.ManifestSet;
import dev.capstan.render.Problem;
import dev.capstan.render.RenderException;
import dev.capstan.render.RenderRequest;
import dev.capstan.render.ToolSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kustomize through the real binary (kustomize on PATH, else kubectl kustomize), on files written per test. */
class KustomizeRendererTest {

    private static final RenderRequest REQUEST = new RenderRequest("shop", "shop", HelmOptions.NONE, "v1.32.0");

    @TempDir
    Path tmp;

    private TestRepo repo() {
        return new TestRepo(tmp.resolve("repo"));
    }

    private static KustomizeRenderer kustomize(ToolSettings settings) {
        return new KustomizeRenderer(settings, System.getenv());
    }

    private static ManifestSet render(TestRepo repo, String path) throws RenderException {
        return TestRepo.render(kustomize(ToolSettings.defaults()), repo.tree(), path, REQUEST);
    }

    private static String errors(RenderException e) {
        return e.errors().stream().map(Problem::toString).collect(Collectors.joining("\n"));
    }

    static TestRepo baseAndOverlays(TestRepo repo, String color) {
        return repo
                .file("base/kustomization.yaml", "resources: [deployment.yaml, service.yaml]\n")
                .file("base/deployment.yaml", """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata: {name: web}
                        spec:
                          replicas: 1
                          selector: {matchLabels: {app: web}}
                          template:
                            metadata: {labels: {app: web}}
                            spec:
                              containers:
                                - name: web
                                  image: nginx:1.27
                                  envFrom: [{configMapRef: {name: web-config}}]
                        """)
                .file("base/service.yaml", """
                        apiVersion: v1
                        kind: Service
                        metadata: {name: web}
                        spec: {selector: {app: web}, ports: [{port: 80}]}
                        """)
                .file("components/debug/kustomization.yaml", """
                        apiVersion: kustomize.config.k8s.io/v1alpha1
                        kind: Component
                        patches:
                          - target: {kind: Deployment, name: web}
                            patch: |-
                              - op: add
                              path: /metadata/annotations
                              value: {debug: "on"}
                        """.replace("  path:", "    path:").replace("  value:", "    value:"))
                .file("overlays/prod/kustomization.yaml", """
                        namePrefix: prod-
                        resources: [../../base]
                        components: [../../components/debug]
                        patches:
                          - path: replicas.yaml
                        configMapGenerator:
                          - name: web-config
                            literals: [COLOR=%s]
                        """.formatted(color))
                .file("overlays/prod/replicas.yaml", """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata: {name: web}
                        spec: {replicas: 3}
                        """);
    }

    @Test
    void rendersAnOverlayReachingItsBaseWithComponentsPatchesAndAGeneratedConfigMap() throws Exception {
        ManifestSet set = render(baseAndOverlays(repo(), "blue"), "overlays/prod");
        Map<String, Map<String, Object>> objects = byName(set);
        assertEquals("kustomize", set.kind().label());
        assertEquals(3, objects.size(), objects.keySet().toString());
        Map<String, Object> deployment = objects.get("Deployment/prod-web");
        assertEquals(3, ((Number) at(deployment, "spec", "replicas")).intValue());
        assertEquals("on", at(deployment, "metadata", "annotations", "debug"));
        String configMap = objects.keySet().stream().filter(k -> k.startsWith("ConfigMap/prod-web-config-")).findFirst().orElseThrow();
        assertEquals("ConfigMap/" + at(deployment, "spec", "template", "spec", "containers", "0", "envFrom", "0",
                "configMapRef", "name"), configMap, "the Deployment refers to the hashed name");
        assertEquals("overlays/prod/kustomization.yaml", set.manifests().get(0).file());
        assertTrue(set.manifests().stream().allMatch(m -> m.ref().namespace().equals("shop")));
    }

    @Test
    void theConfigMapHashIsStableAcrossRendersAndChangesWithItsContent() throws Exception {
        String first = configMapName(render(baseAndOverlays(repo(), "blue"), "overlays/prod"));
        String again = configMapName(render(baseAndOverlays(repo(), "blue"), "overlays/prod"));
        String changed = configMapName(render(baseAndOverlays(repo(), "green"), "overlays/prod"));
        assertEquals(first, again);
        assertNotEquals(first, changed);
    }

    private static String configMapName(ManifestSet set) {
        return byName(set).keySet().stream().filter(k -> k.startsWith("ConfigMap/")).findFirst().orElseThrow();
    }

    @Test
    void remoteBasesAreRefusedBeforeKustomizeRuns() {
        TestRepo repo = repo().file("app/kustomization.yaml", """
                resources:
                  - github.com/kubernetes-sigs/kustomize/examples/multibases?ref=v3.3.1
                  - https://raw.githubusercontent.com/example/repo/main/deploy.yaml
                  - local.yaml
                """).file("app/local.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: local}\n");
        RenderException e = assertThrows(RenderException.class, () -> render(repo, "app"));
        assertEquals(2, e.errors().size(), errors(e));
        assertTrue(errors(e).startsWith("app/kustomization.yaml: resources: \"github.com/kubernetes-sigs/kustomize/examples/"
                + "multibases?ref=v3.3.1\" is a remote base; Capstan renders only what the repository holds at the commit, so it "
                + "is refused: copy it into the repository, or set render.kustomize.allowRemoteBases: true"), errors(e));
    }

    @Test
    void aRemoteBaseInABaseTheOverlayReachesIsRefusedToo() {
        TestRepo repo = repo().file("base/kustomization.yaml", "resources: [\"git@github.com:org/repo.git//deploy?ref=main\"]\n")
                .file("overlay/kustomization.yaml", "resources: [../base]\n");
        RenderException e = assertThrows(RenderException.class, () -> render(repo, "overlay"));
        assertTrue(errors(e).startsWith("base/kustomization.yaml: resources: \"git@github.com:org/repo.git//deploy?ref=main\" "
                + "is a remote base"), errors(e));
    }

    @Test
    void basesOutsideTheRepositoryAreRefused() {
        TestRepo repo = repo().file("app/kustomization.yaml", "resources: [../../../../../etc, ../../outside.yaml]\n");
        RenderException e = assertThrows(RenderException.class, () -> render(repo, "app"));
        assertEquals(2, e.errors().size(), errors(e));
        assertTrue(errors(e).contains("app/kustomization.yaml: resources: \"../../../../../etc\" resolves outside the repository; "
                + "refused"), errors(e));
    }

    @Test
    void kustomizesLoadRestrictorKeepsFilesInsideTheirKustomizationAndItsErrorNamesTheFile() throws Exception {
        TestRepo repo = repo().file("shared/patch.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
                .file("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n")
                .file("app/kustomization.yaml", "resources: [cm.yaml]\npatches: [{path: ../shared/patch.yaml}]\n");
        RenderException e = assertThrows(RenderException.class, () -> render(repo, "app"));
        String message = errors(e);
        assertTrue(message.startsWith("app/kustomization.yaml: kustomize build failed: "), message);
        assertTrue(message.contains("shared/patch.yaml"), message);
        assertTrue(message.contains("security") || message.contains("not in or below"), message);
        assertFalse(message.contains(tmp.toString()) || message.contains("capstan-render-"), "no temp paths: " + message);
    }

    @Test
    void helmChartsInsideAKustomizationNeedEnableHelm() {
        TestRepo repo = repo().file("app/kustomization.yaml", "helmCharts: [{name: podinfo, repo: https://stefanprodan.github.io/podinfo}]\n");
        RenderException e = assertThrows(RenderException.class, () -> render(repo, "app"));
        assertTrue(errors(e).contains("helmCharts inflates a Helm chart inside kustomize, which is off by default; set "
                + "render.kustomize.enableHelm: true"), errors(e));
    }

    @Test
    void aHangingRenderIsKilledAtTheTimeout() throws Exception {
        Path slow = script("slow-kustomize", "#!/bin/sh\nsleep 30\n");
        TestRepo repo = repo().file("app/kustomization.yaml", "resources: []\n");
        ToolSettings settings = ToolSettings.defaults().withKustomizeCommand(List.of(slow.toString())).withTimeout(Duration.ofSeconds(1));
        long start = System.nanoTime();
        RenderException e = assertThrows(RenderException.class,
                () -> TestRepo.render(kustomize(settings), repo.tree(), "app", REQUEST));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 15, "killed, not waited for");
        assertEquals("app/kustomization.yaml: kustomize build did not finish within 1 s (render.timeout); killed", errors(e));
    }

    @Test
    void aHugeRenderIsCutOff() throws Exception {
        Path flood = script("flood-kustomize", "#!/bin/sh\nwhile :; do echo 'apiVersion: v1'; done\n");
        TestRepo repo = repo().file("app/kustomization.yaml", "resources: []\n");
        ToolSettings settings = new ToolSettings(List.of(flood.toString()), false, false, Duration.ofSeconds(30), 1024 * 1024);
        RenderException e = assertThrows(RenderException.class,
                () -> TestRepo.render(kustomize(settings), repo.tree(), "app", REQUEST));
        assertEquals("app/kustomization.yaml: kustomize build printed more than 1048576 bytes (render.maxOutputBytes); killed",
                errors(e));
    }

    @Test
    void aMissingKustomizeSaysHowToGetOne() {
        TestRepo repo = repo().file("app/kustomization.yaml", "resources: []\n");
        ToolSettings settings = ToolSettings.defaults().withKustomizeCommand(List.of("/nonexistent/kustomize"));
        RenderException e = assertThrows(RenderException.class,
                () -> TestRepo.render(kustomize(settings), repo.tree(), "app", REQUEST));
        assertTrue(errors(e).startsWith("app/kustomization.yaml: cannot run kustomize (/nonexistent/kustomize): "), errors(e));
        assertTrue(errors(e).endsWith("install kustomize, or set render.kustomize.command"), errors(e));
    }

    @Test
    void symlinksLeavingTheRepositoryAreNotCopiedForKustomize() throws Exception {
        Files.createDirectories(tmp.resolve("secret"));
        Files.writeString(tmp.resolve("secret/cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: stolen}\n");
        TestRepo repo = repo().file("app/kustomization.yaml", "resources: [cm.yaml]\n").link("app/cm.yaml", tmp.resolve("secret/cm.yaml").toString());
        RenderException e = assertThrows(RenderException.class, () -> render(repo, "app"));
        assertTrue(errors(e).startsWith("app/kustomization.yaml: kustomize build failed: "), errors(e));
    }

    private Path script(String name, String text) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, text);
        f.toFile().setExecutable(true);
        return f;
    }
}
