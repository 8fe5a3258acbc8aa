package dev.capstan.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Config loading: every mistake named by line and key path. */
class ConfigLoaderTest {

    private static final String APP = """
            applications:
              - name: guestbook
                repo: {url: https://example.com/apps.git, ref: main, path: guestbook}
            """;

    @Test
    void loadsTheDocumentedExampleWithDefaults() throws Exception {
        AgentConfig c = ConfigLoader.load(java.nio.file.Path.of(
                ConfigLoaderTest.class.getResource("/dev/capstan/config/documented-example.yaml").toURI()));
        ApplicationSpec app = c.applications().get(0);
        assertEquals(8080, c.server().port());
        assertEquals("guestbook", app.destination().namespace());
        assertEquals(Duration.ofSeconds(15), app.sync().interval());
        assertTrue(app.sync().prune());
        assertFalse(app.sync().allowEmpty());
        assertEquals(Duration.ofMinutes(5), app.sync().timeout());
        assertEquals("capstan", c.namespace());
        assertFalse(app.repo().auth().isPresent());
    }

    @Test
    void defaultsWhenOptionalSectionsAreLeftOut() throws Exception {
        ApplicationSpec app = ConfigLoader.parse("c.yaml", APP).applications().get(0);
        assertEquals("default", app.destination().namespace());
        assertEquals(Duration.ofMinutes(3), app.sync().interval());
        assertTrue(ConfigLoader.parse("c.yaml", APP).apply().skipProvenDryRuns(), "apply.dryRun: unlessProven");
        assertFalse(ConfigLoader.parse("c.yaml", "apply: {dryRun: always}\n" + APP).apply().skipProvenDryRuns());
        assertFalse(ConfigLoader.parse("c.yaml", APP).server().readsGuarded(), "status reads are open by default");
        assertTrue(ConfigLoader.parse("c.yaml", "server: {readTokenFile: /t}\n" + APP).server().readsGuarded());
    }

    @Test
    void readsHelmOptionsPerAppAndRenderToolSettings() throws Exception {
        AgentConfig c = ConfigLoader.parse("c.yaml", """
                render:
                  timeout: 20s
                  kustomize: {command: kubectl kustomize, enableHelm: true}
                """ + APP + """
                    helm:
                      releaseName: podinfo
                      valueFiles: [values-prod.yaml, ../envs/prod.yaml]
                      values: {replicaCount: 2, ingress: {enabled: true}}
                """);
        ApplicationSpec app = c.applications().get(0);
        assertEquals("podinfo", app.helm().releaseName());
        assertEquals(List.of("values-prod.yaml", "../envs/prod.yaml"), app.helm().valueFiles());
        assertEquals(2, ((Number) app.helm().values().get("replicaCount")).intValue());
        assertEquals(java.util.Map.of("enabled", true), app.helm().values().get("ingress"));
        assertEquals(List.of("kubectl", "kustomize"), c.render().tools().kustomizeCommand());
        assertTrue(c.render().tools().enableHelm());
        assertFalse(c.render().tools().allowRemoteBases());
        assertEquals(Duration.ofSeconds(20), c.render().tools().timeout());
        AgentConfig defaults = ConfigLoader.parse("c.yaml", APP);
        assertEquals(Duration.ofSeconds(60), defaults.render().tools().timeout());
        assertEquals(List.of(), defaults.render().tools().kustomizeCommand());
        assertEquals("", defaults.applications().get(0).helm().releaseName());
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of("unknown helm key", APP + "    helm: {valuesFiles: [a.yaml]}\n",
                        "applications[0].helm.valuesFiles: unknown key; known keys here: releaseName, valueFiles, values"),
                Arguments.of("absolute value file", APP + "    helm: {valueFiles: [/etc/passwd]}\n",
                        "applications[0].helm.valueFiles: \"/etc/passwd\" must be a path relative to the chart directory"),
                Arguments.of("values not a map", APP + "    helm: {values: [1, 2]}\n", "applications[0].helm.values: must be a map"),
                Arguments.of("unknown kustomize key", "render: {kustomize: {enableExec: true}}\n" + APP,
                        "render.kustomize.enableExec: unknown key; known keys here: allowRemoteBases, command, enableHelm"),
                Arguments.of("unknown top-level key", "serverr: {}\n" + APP, "c.yaml:1: serverr: unknown key"),
                Arguments.of("unknown nested key", APP + "    sync: {intervall: 1m}\n", "c.yaml:4: applications[0].sync.intervall: unknown key"),
                Arguments.of("missing repo url", "applications:\n  - name: a\n    repo: {ref: main}\n", "c.yaml:3: applications[0].repo.url: required"),
                Arguments.of("missing name", "applications:\n  - repo: {url: file:///x}\n", "c.yaml:2: applications[0].name: required"),
                Arguments.of("missing repo", "applications:\n  - name: a\n", "c.yaml:2: applications[0].repo: required"),
                Arguments.of("bad application namespace", "applicationNamespaces: [Team_A]\n",
                        "c.yaml:1: applicationNamespaces: \"Team_A\" is not a namespace; list namespaces, or \"*\" for all"),
                Arguments.of("bad managed namespace", "managedNamespaces: [\"apps b\"]\n" + APP,
                        "c.yaml:1: managedNamespaces: \"apps b\" is not a namespace; list namespaces, or \"*\" for all"),
                Arguments.of("no managed namespace", "managedNamespaces: []\n" + APP,
                        "managedNamespaces: is empty; list the namespaces the agent may deploy to, or \"*\" for all"),
                Arguments.of("destination not managed", "managedNamespaces: [apps]\n" + APP + "    destination: {namespace: shop}\n",
                        "applications: guestbook: destination.namespace \"shop\" is not in managedNamespaces [apps]; add it there"),
                Arguments.of("bad default service account", "tenancy: {defaultServiceAccount: \"Not Valid\"}\n",
                        "c.yaml:1: tenancy.defaultServiceAccount: \"Not Valid\" is not a ServiceAccount name"),
                Arguments.of("bad duration", APP + "    sync: {interval: 15x}\n",
                        "c.yaml:4: applications[0].sync.interval: \"15x\" is not a duration; write e.g. 30s, 5m, 1h30m or 500ms"),
                Arguments.of("too short interval", APP + "    sync: {interval: 10ms}\n", "applications[0].sync.interval: must be at least 1s"),
                Arguments.of("bad boolean", APP + "    sync: {prune: sometimes}\n", "applications[0].sync.prune: must be true or false"),
                Arguments.of("bad port", "server: {port: 70000}\n" + APP, "c.yaml:1: server.port: must be a whole number from 0 to 65535"),
                Arguments.of("duplicate names", APP + "  - name: guestbook\n    repo: {url: file:///y}\n",
                        "c.yaml:4: applications[1].name: duplicate application name \"guestbook\" (also applications[0].name)"),
                Arguments.of("bad app name", "applications:\n  - name: Guest_Book\n    repo: {url: file:///x}\n",
                        "applications[0].name: \"Guest_Book\" is not a valid application name"),
                Arguments.of("bad namespace", APP + "    destination: {namespace: Shop}\n",
                        "applications[0].destination.namespace: \"Shop\" is not a valid namespace"),
                Arguments.of("path escaping the repo", "applications:\n  - name: a\n    repo: {url: file:///x, path: ../etc}\n",
                        "applications[0].repo.path: must be a path inside the repository"),
                Arguments.of("both secrets", "applications:\n  - name: a\n    repo:\n      url: file:///x\n      auth: {passwordFile: /f, passwordEnv: E}\n",
                        "applications[0].repo.auth.passwordEnv: set passwordFile or passwordEnv, not both"),
                Arguments.of("both read tokens", "server: {readTokenFile: /t, readTokenEnv: T}\n" + APP,
                        "c.yaml:1: server.readTokenEnv: set readTokenFile or readTokenEnv, not both"),
                Arguments.of("bad kube version", "render: {kubeVersion: latest}\n" + APP, "render.kubeVersion: \"latest\" is not a Kubernetes version"),
                Arguments.of("bad url scheme", "applications:\n  - name: a\n    repo: {url: \"ftp://example.com/x.git\"}\n",
                        "applications[0].repo.url: \"ftp://example.com/x.git\" is not a repository URL"),
                Arguments.of("bad dry-run mode", "apply: {dryRun: never}\n" + APP,
                        "c.yaml:1: apply.dryRun: must be unlessProven or always, not \"never\""),
                Arguments.of("bad rollback", APP + "    sync: {rollback: always}\n", "applications[0].sync.rollback: must be onFailure or off"),
                Arguments.of("list instead of map", "server: [8080]\n" + APP, "c.yaml:1: server: must be a map"),
                Arguments.of("not yaml", "applications: [\n", "c.yaml:2: invalid YAML"),
                Arguments.of("not a map", "- a\n- b\n", "c.yaml: expected one YAML map"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void reportsMistakesWithLineAndKeyPath(String name, String yaml, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("c.yaml", yaml));
        assertTrue(e.problems().stream().anyMatch(p -> p.contains(expected)), "expected '" + expected + "' in " + e.problems());
    }

    @Test
    void aConfigWithNoApplicationsIsValidAndServesApplicationResourcesInItsOwnNamespace() throws Exception {
        for (String text : List.of("server: {port: 1}\nnamespace: gitops\n", "namespace: gitops\napplications: []\n")) {
            AgentConfig c = ConfigLoader.parse("c.yaml", text);
            assertEquals(List.of(), c.applications());
            assertEquals(List.of("gitops"), c.applicationNamespaces());
            assertTrue(c.servesApplicationsIn("gitops"));
            assertFalse(c.servesApplicationsIn("team-a"));
            assertNull(c.tenancy().defaultServiceAccount());
        }
        AgentConfig all = ConfigLoader.parse("c.yaml", "applicationNamespaces: [\"*\"]\ntenancy: {defaultServiceAccount: deployer}\n");
        assertTrue(all.servesApplicationsIn("anything"));
        assertEquals("deployer", all.tenancy().defaultServiceAccount());
    }

    @Test
    void reportsAllMistakesAtOnce() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("c.yaml", """
                serverr: {}
                applications:
                  - name: a
                    repo: {}
                    sync: {interval: soon, prune: maybe}
                """));
        assertEquals(List.of(
                "c.yaml:1: serverr: unknown key; known keys here: applicationNamespaces, applications, apply, cacheDir, leaderElection, managedNamespaces, namespace, render, server, sharding, tenancy",
                "c.yaml:4: applications[0].repo.url: required",
                "c.yaml:5: applications[0].sync.interval: \"soon\" is not a duration; write e.g. 30s, 5m, 1h30m or 500ms",
                "c.yaml:5: applications[0].sync.prune: must be true or false, not \"maybe\""), e.problems());
    }

    @Test
    void durationsReadAndPrintGoStyle() {
        assertEquals(Duration.ofSeconds(90), Durations.parse("1m30s"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
        assertEquals("1h1m", Durations.format(Duration.ofMinutes(61)));
        assertEquals("250ms", Durations.format(Duration.ofMillis(250)));
    }
}
