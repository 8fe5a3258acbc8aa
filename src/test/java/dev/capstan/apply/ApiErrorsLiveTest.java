package dev.capstan.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.KubeTest;
import dev.capstan.testkit.TestNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The common refusals, provoked on the real API server, as Capstan reports them. */
@KubeTest
class ApiErrorsLiveTest {

    @TempDir
    Path tmp;

    private ApiErrorTexts server;

    @BeforeEach
    void setUp(KubernetesClient client, KubeControlPlane cp, TestNamespace ns) {
        server = new ApiErrorTexts(client, cp, ns.name());
    }

    private static final Map<String, Object> JOB = Map.of("kind", "Job");

    @Test
    void anImmutableFieldIsNamedWithoutTheStructDump() {
        ApiError e = ApiError.of(server.immutableField(), JOB);
        assertEquals("spec.template: field is immutable", e.text());
        assertTrue(e.immutable());
        assertTrue(e.permanent());
    }

    @Test
    void anInvalidValueKeepsAShortValue() {
        ApiError e = ApiError.of(server.invalidValue(), Map.of("kind", "Deployment"));
        assertEquals("spec.replicas: -1: must be greater than or equal to 0", e.text());
        assertFalse(e.immutable());
        assertTrue(e.permanent());
    }

    @Test
    void forbiddenNamesWhoCannotDoWhat() {
        ApiError e = ApiError.of(server.forbidden(), Map.of("kind", "ConfigMap"));
        assertTrue(e.text().startsWith("forbidden: User \"alice\" cannot patch resource \"configmaps\" in API group \"\""), e.text());
        assertFalse(e.permanent(), "RBAC can change without a commit");
    }

    @Test
    void aFieldManagerConflictSaysHowToResolveIt() {
        ApiError e = ApiError.of(server.conflict(), Map.of("kind", "ConfigMap"));
        assertEquals("Apply failed with 1 conflict: conflict with \"someone-else\": .data.color; another field manager owns "
                + "these fields: take them over with apply.forceConflicts: true, or leave them out of Git", e.text());
    }

    @Test
    void anExceededQuotaIsNamedAndNeverTheSecretsValue() {
        ApiError e = ApiError.of(server.quotaExceeded(), Map.of("kind", "Secret", "stringData", Map.of("password", "hunter2-s3cr3t")));
        // used: 0 on new releases, 1 on 1.20 (the default ServiceAccount's token Secret)
        assertTrue(e.text().matches("forbidden: exceeded quota: few, requested: count/secrets=1, used: count/secrets=\\d, "
                + "limited: count/secrets=0"), e.text());
        assertFalse(e.permanent(), "a quota can be raised without a commit");
    }

    @Test
    void aWebhookDenialPassesOnThePolicysReason() throws Exception {
        ApiError e = ApiError.of(server.webhookDenial(tmp), Map.of("kind", "ConfigMap"));
        assertTrue(e.text().matches("admission webhook \"deny-[^\"]+\\.capstan\\.test\" denied the request: image tags latest are not "
                + "allowed by policy"), e.text());
    }

    @Test
    void anInvalidSecretNeverShowsItsValue() {
        ApiError e = ApiError.of(server.invalidSecret(), ApiErrorTexts.dockerSecretBody());
        assertTrue(e.text().startsWith("data[.dockerconfigjson]: "), e.text());
        assertFalse(e.text().contains("hunter2"), e.text());
        assertTrue(e.permanent());
    }
}
