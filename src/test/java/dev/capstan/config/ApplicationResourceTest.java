package dev.capstan.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.yaml.YamlLimits;
import dev.capstan.yaml.YamlReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An Application resource read by the same rules as a config entry, minus anything that reaches into the agent. */
class ApplicationResourceTest {

    private static final AgentConfig.Tenancy NO_DEFAULT = new AgentConfig.Tenancy(null);

    @SuppressWarnings("unchecked")
    private static ApplicationResource parse(String yaml, AgentConfig.Tenancy tenancy) throws Exception {
        Map<String, Object> object = (Map<String, Object>) new YamlReader(YamlLimits.defaults()).readAll(yaml).get(0).value();
        return ApplicationResource.parse(object, "capstan", tenancy);
    }

    @Test
    void aTenantsApplicationIsKeyedByNamespaceAndDefaultsToItsOwnNamespace() throws Exception {
        ApplicationResource r = parse("""
                metadata: {name: web, namespace: team-a, uid: u1, generation: 3, finalizers: [capstan.dev/prune]}
                spec:
                  repo: {url: "https://git.example/shop.git", ref: main, path: deploy, secretRef: {name: git-creds}}
                  sync: {interval: 30s, prune: true}
                """, new AgentConfig.Tenancy("deployer"));
        assertTrue(r.valid(), String.valueOf(r.problems()));
        assertEquals("team-a_web", r.key());
        assertEquals("team-a_web", r.spec().name());
        assertEquals("team-a", r.spec().destination().namespace());
        assertEquals("web", r.spec().helm().releaseName());
        assertEquals(Duration.ofSeconds(30), r.spec().sync().interval());
        assertEquals("git-creds", r.secretRef());
        assertEquals("deployer", r.serviceAccountName(), "tenancy.defaultServiceAccount applies outside the agent's namespace");
        assertTrue(r.pruneOnDelete());
        assertFalse(r.deleting());
        assertEquals(3, r.generation());
    }

    @Test
    void inTheAgentsNamespaceTheNameIsTheKeyAndTheAgentsOwnRightsApply() throws Exception {
        ApplicationResource r = parse("""
                metadata: {name: platform, namespace: capstan}
                spec: {repo: {url: "file:///srv/git"}, destination: {namespace: infra}}
                """, new AgentConfig.Tenancy("deployer"));
        assertEquals("platform", r.key());
        assertEquals("infra", r.spec().destination().namespace());
        assertNull(r.serviceAccountName());
    }

    @Test
    void credentialsFromTheAgentsFilesAreRefusedAndEveryProblemIsNamed() throws Exception {
        ApplicationResource r = parse("""
                metadata: {name: web, namespace: capstan}
                spec:
                  repo: {url: "file:///x", path: ../../etc, auth: {passwordFile: /var/run/secrets/agent-token}}
                  sync: {interval: soon}
                """, NO_DEFAULT);
        assertFalse(r.valid());
        assertNull(r.spec());
        assertEquals(List.of(
                "Application capstan/web: spec.repo.auth: unknown key; known keys here: path, ref, secretRef, timeout, url",
                "Application capstan/web: spec.repo.path: must be a path inside the repository (no leading '/' and no '..')",
                "Application capstan/web: spec.sync.interval: \"soon\" is not a duration; write e.g. 30s, 5m, 1h30m or 500ms"),
                r.problems());
    }

    @Test
    void noCredentialsInTheUrlAndNoLocalRepositoriesForTenants() throws Exception {
        ApplicationResource withToken = parse("""
                metadata: {name: web, namespace: capstan}
                spec: {repo: {url: "https://x-token:ghp_secret@github.com/org/repo.git"}}
                """, NO_DEFAULT);
        assertEquals(List.of("Application capstan/web: spec.repo.url: carries credentials; put them in a Secret and name it in "
                + "spec.repo.secretRef"), withToken.problems());
        assertFalse(String.join("", withToken.problems()).contains("ghp_secret"));
        ApplicationResource local = parse("""
                metadata: {name: web, namespace: team-a}
                spec: {repo: {url: "file:///var/cache/capstan/other-app/abc.git"}}
                """, NO_DEFAULT);
        assertTrue(local.problems().get(0).contains("file:// reads the agent's own disk"), local.problems().get(0));
        assertTrue(parse("metadata: {name: web, namespace: capstan}\nspec: {repo: {url: \"file:///srv/git/x\"}}\n", NO_DEFAULT)
                .valid(), "the agent's own namespace is the admins'");
        assertTrue(parse("metadata: {name: web, namespace: team-a}\nspec: {repo: {url: \"ssh://git@github.com/org/r.git\"}}\n",
                NO_DEFAULT).valid());
    }

    @Test
    void aNameTooLongForLabelsIsRefused() throws Exception {
        ApplicationResource r = parse("metadata: {name: " + "a".repeat(60) + ", namespace: capstan}\nspec: {repo: {url: \"file:///x\"}}\n",
                NO_DEFAULT);
        assertFalse(r.valid());
        assertTrue(r.problems().get(0).contains("metadata.name: at most 53"), r.problems().get(0));
    }
}
