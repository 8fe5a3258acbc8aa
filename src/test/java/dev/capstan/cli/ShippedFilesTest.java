package dev.capstan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        assertEquals("render: plain (deploy)\n", run.err());
        for (String kind : List.of("Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
                "ConfigMap", "Service", "Deployment")) {
            assertTrue(run.out().contains("\nkind: " + kind + "\n"), kind + " missing from deploy/");
        }
        assertTrue(run.out().contains("path: /readyz") && run.out().contains("path: /healthz"), "probes on /readyz and /healthz");
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
