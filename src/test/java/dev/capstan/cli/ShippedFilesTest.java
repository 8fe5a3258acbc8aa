package dev.capstan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.config.AgentConfig;
import dev.capstan.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What ships in the repository (deploy/, config/) must pass Capstan's own checks. */
class ShippedFilesTest {

    @Test
    void deployManifestsRender() {
        CliRun run = CliRun.of("render", "deploy");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("render: kustomize (deploy)\n", run.err());
        for (String kind : List.of("Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding",
                "ConfigMap", "Service", "Deployment", "CustomResourceDefinition")) {
            assertTrue(run.out().contains("\nkind: " + kind + "\n"), kind + " missing from deploy/");
        }
        assertFalse(run.out().contains("\nkind: Role\n"), "the namespaced install's Roles are not part of deploy/");
        assertTrue(run.out().contains("path: /readyz") && run.out().contains("path: /healthz"), "probes on /readyz and /healthz");
    }

    @Test
    void theNamespacedInstallHoldsRolesOnly() {
        CliRun run = CliRun.of("render", "deploy/namespaced");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("\nkind: Role\n") && run.out().contains("\nkind: RoleBinding\n"), run.out());
        assertFalse(run.out().contains("ClusterRole"), "no cluster-wide rights");
    }

    @Test
    void exampleConfigLoads() throws Exception {
        AgentConfig config = ConfigLoader.load(Path.of("config/capstan.yaml"));
        assertEquals("guestbook", config.applications().get(0).name());
    }

    @Test
    void configEmbeddedInTheDeployConfigMapLoads() throws Exception {
        String yaml = java.nio.file.Files.readString(Path.of("deploy/configmap.yaml"));
        var docs = new dev.capstan.yaml.YamlReader(dev.capstan.yaml.YamlLimits.defaults()).readAll(yaml);
        Map<?, ?> data = (Map<?, ?>) ((Map<?, ?>) docs.get(0).value()).get("data");
        AgentConfig config = ConfigLoader.parse("deploy/configmap.yaml#capstan.yaml", (String) data.get("capstan.yaml"));
        assertEquals(1, config.applications().size());
    }
}
