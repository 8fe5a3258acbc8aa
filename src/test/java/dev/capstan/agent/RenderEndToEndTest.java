package dev.capstan.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.KubeTest;
import dev.capstan.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kustomize overlay and a Helm chart synced from Git on 127.0.0.1 to the real API
 * server: the next commit updates exactly what changed, and an unchanged resync renders nothing.
 */
@KubeTest
class RenderEndToEndTest {

    @TempDir
    Path tmp;

    private AgentHarness h;
    private String ns;

    @BeforeEach
    void setUp(TestNamespace testNs, KubeControlPlane cp) {
        ns = "render-" + testNs.name().substring(2);
        h = new AgentHarness(tmp, cp, "capstan-" + testNs.name().substring(2));
    }

    @AfterEach
    void tearDown(KubernetesClient client) {
        h.close();
        client.namespaces().withName(ns).delete();
    }

    private Map<String, String> overlay(String color) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("deploy/base/kustomization.yaml", "resources: [namespace.yaml, deployment.yaml, service.yaml]\n");
        f.put("deploy/base/namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + ns + "}\n");
        f.put("deploy/base/deployment.yaml", """
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
                """);
        f.put("deploy/base/service.yaml", """
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec: {selector: {app: web}, ports: [{port: 80}]}
                """);
        f.put("deploy/overlays/prod/kustomization.yaml", """
                namePrefix: prod-
                resources: [../../base]
                patches:
                  - target: {kind: Namespace}
                    patch: '[{"op": "replace", "path": "/metadata/name", "value": "%s"}]'
                configMapGenerator:
                  - name: web-config
                    literals: [COLOR=%s]
                """.formatted(ns, color));
        return f;
    }

    @Test
    void syncsAKustomizeOverlayAndAConfigMapChangeRollsTheDeployment(KubernetesClient client) throws Exception {
        h.remote.commit("overlay blue", overlay("blue"));
        h.start(ns, "deploy/overlays/prod", "interval: 1h, prune: true, timeout: 90s");

        Map<String, Object> s1 = h.awaitSyncs(1);
        assertEquals("Succeeded", s1.get("phase"), String.valueOf(s1.get("message")));
        assertEquals("kustomize", s1.get("render"));
        Map<String, String> created = AgentHarness.actions(s1);
        assertEquals(4, created.size(), created.toString());
        String blueConfig = configMapName(created);
        Deployment d1 = client.apps().deployments().inNamespace(ns).withName("prod-web").get();
        assertEquals(blueConfig, d1.getSpec().getTemplate().getSpec().getContainers().get(0).getEnvFrom().get(0).getConfigMapRef().getName());
        assertEquals("blue", client.configMaps().inNamespace(ns).withName(blueConfig).get().getData().get("COLOR"));

        // an unchanged resync renders nothing: kustomize is not run again
        String renders = renders(h.metrics(), "kustomize");
        assertEquals("1.0", renders);
        h.syncNow();
        assertEquals("Succeeded", h.awaitSyncs(2).get("phase"));
        assertEquals("1.0", renders(h.metrics(), "kustomize"));

        // the generated ConfigMap's new hash: new ConfigMap, the Deployment updated (and rolled), the old one pruned
        h.remote.commit("overlay green", Map.of("deploy/overlays/prod/kustomization.yaml", overlay("green").get("deploy/overlays/prod/kustomization.yaml")));
        h.syncNow();
        Map<String, Object> s3 = h.awaitSyncs(3);
        assertEquals("Succeeded", s3.get("phase"), String.valueOf(s3.get("message")));
        Map<String, String> actions = AgentHarness.actions(s3);
        String greenConfig = actions.entrySet().stream().filter(e -> e.getValue().equals("created")).map(Map.Entry::getKey)
                .findFirst().orElseThrow().substring(("ConfigMap/" + ns + "/").length());
        assertNotEquals(blueConfig, greenConfig);
        assertEquals(Map.of("ConfigMap/" + ns + "/" + greenConfig, "created", "Deployment/" + ns + "/prod-web", "configured",
                "Service/" + ns + "/prod-web", "unchanged", "Namespace/" + ns, "unchanged", "ConfigMap/" + ns + "/" + blueConfig, "pruned"),
                actions);
        Deployment d2 = client.apps().deployments().inNamespace(ns).withName("prod-web").get();
        assertEquals(greenConfig, d2.getSpec().getTemplate().getSpec().getContainers().get(0).getEnvFrom().get(0).getConfigMapRef().getName());
        assertTrue(d2.getMetadata().getGeneration() > d1.getMetadata().getGeneration(), "the pod template changed: a rollout");
        assertEquals(2, client.apps().replicaSets().inNamespace(ns).withLabel("app", "web").list().getItems().size(),
                "a new ReplicaSet for the new template");
        assertNull(client.configMaps().inNamespace(ns).withName(blueConfig).get());
        assertEquals("2.0", renders(h.metrics(), "kustomize"));
    }

    private String configMapName(Map<String, String> actions) {
        return actions.keySet().stream().filter(k -> k.startsWith("ConfigMap/")).findFirst().orElseThrow()
                .substring(("ConfigMap/" + ns + "/").length());
    }

    private static String renders(String metrics, String renderer) {
        Matcher m = Pattern.compile("capstan_renders_total\\{renderer=\"" + renderer + "\"} (\\S+)").matcher(metrics);
        return m.find() ? m.group(1) : "absent";
    }

    private static Map<String, String> chart(int replicas) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\nkubeVersion: \">=1.20.0-0\"\n");
        f.put("charts/web/values.yaml", "replicas: 1\ngreeting: hello\n");
        f.put("charts/web/values-prod.yaml", "replicas: " + replicas + "\n");
        f.put("charts/web/templates/configmap.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: {{ .Release.Name }}-config}
                data: {greeting: {{ .Values.greeting | quote }}, kube: {{ .Capabilities.KubeVersion.Version | quote }}}
                """);
        f.put("charts/web/templates/deployment.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: {{ .Release.Name }}-web}
                spec:
                  replicas: {{ .Values.replicas }}
                  selector: {matchLabels: {app: {{ .Release.Name }}}}
                  template:
                    metadata: {labels: {app: {{ .Release.Name }}}}
                    spec: {containers: [{name: web, image: nginx:1.27}]}
                """);
        f.put("charts/web/templates/migrate.yaml", """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: {{ .Release.Name }}-migrate
                  annotations: {"helm.sh/hook": pre-install,pre-upgrade}
                spec:
                  template:
                    spec: {restartPolicy: Never, containers: [{name: migrate, image: busybox}]}
                """);
        f.put("charts/web/templates/tests/ping.yaml", """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: {{ .Release.Name }}-ping
                  annotations: {"helm.sh/hook": test}
                spec: {restartPolicy: Never, containers: [{name: ping, image: busybox}]}
                """);
        return f;
    }

    @Test
    void syncsAHelmChartWithValuesRunsItsPreInstallHookFirstAndAValueChangeUpdatesOnlyItsObject(KubernetesClient client)
            throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        h.remote.commit("chart", chart(2));
        h.start(ns, "charts/web", "interval: 1h, prune: true, timeout: 90s", """
                    helm:
                      releaseName: shop
                      valueFiles: [values-prod.yaml]
                      values: {greeting: hi}
                """);
        Map<String, Object> s1 = h.awaitSyncs(1);
        assertEquals("Succeeded", s1.get("phase"), String.valueOf(s1.get("message")));
        assertEquals("helm", s1.get("render"));
        assertEquals(Map.of("ConfigMap/" + ns + "/shop-config", "created", "Deployment/" + ns + "/shop-web", "created",
                "Job/" + ns + "/shop-migrate", "created"), AgentHarness.actions(s1), "the test hook is not applied");
        assertEquals("hi", client.configMaps().inNamespace(ns).withName("shop-config").get().getData().get("greeting"));
        assertTrue(client.configMaps().inNamespace(ns).withName("shop-config").get().getData().get("kube").startsWith("v1."));
        assertEquals(2, client.apps().deployments().inNamespace(ns).withName("shop-web").get().getSpec().getReplicas());
        // the hook's wave ran (and completed) before the chart's objects were applied
        List<String> applies = h.requests.mutating().stream().filter(r -> r.startsWith("PATCH") && !r.contains("dryRun")
                && (r.contains("/jobs/shop-migrate") || r.contains("/deployments/shop-web"))).toList();
        assertTrue(applies.get(0).contains("/jobs/shop-migrate"), applies.toString());
        assertTrue(client.batch().v1().jobs().inNamespace(ns).withName("shop-migrate").get().getStatus().getSucceeded() >= 1);

        h.remote.commit("more replicas", Map.of("charts/web/values-prod.yaml", "replicas: 3\n"));
        h.syncNow();
        Map<String, Object> s2 = h.awaitSyncs(2);
        assertEquals("Succeeded", s2.get("phase"), String.valueOf(s2.get("message")));
        assertEquals(Map.of("ConfigMap/" + ns + "/shop-config", "unchanged", "Deployment/" + ns + "/shop-web", "configured",
                "Job/" + ns + "/shop-migrate", "unchanged"), AgentHarness.actions(s2));
        assertEquals(3, client.apps().deployments().inNamespace(ns).withName("shop-web").get().getSpec().getReplicas());
    }
}
