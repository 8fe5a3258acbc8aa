package dev.capstan.testkit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The identity the end-to-end tests run the agent as: the ServiceAccount {@code capstan/capstan} that {@code deploy/}
 * creates, bound by {@code deploy/rbac.yaml} exactly as shipped, authenticated by a token from the TokenRequest API
 * (what the kubelet mounts into the agent's pod). Not system:masters: a right the shipped RBAC lacks fails the test
 * that needs it, and a right it grants that no test uses shows in {@code agent-requests.txt}
 * of {@link KubeControlPlane#logDir()}.
 */
public final class AgentIdentity {

    public static final String NAMESPACE = "capstan";
    public static final String NAME = "capstan";
    /** Longer than any CI run; the API server caps nothing (no --service-account-max-token-expiration). */
    private static final long TOKEN_SECONDS = 48 * 3600;

    private static Config config;

    private AgentIdentity() {
    }

    /** Installs deploy/'s namespace, ServiceAccount and RBAC once per test JVM and returns a config that uses its token. */
    static synchronized Config config(KubeControlPlane cp) {
        if (config == null) {
            try (KubernetesClient admin = cp.newClient()) {
                for (String file : List.of("namespace.yaml", "serviceaccount.yaml", "rbac.yaml")) {
                    try {
                        install(admin, Files.readString(Path.of("deploy", file)));
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot install deploy/" + file, e);
                    }
                }
                config = tokenConfig(cp, admin, NAMESPACE, NAME);
            }
        }
        return config;
    }

    /** Server-side applies every object of {@code yaml}, as an admin installs manifests. */
    public static void install(KubernetesClient admin, String yaml) {
        try (InputStream in = new java.io.ByteArrayInputStream(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            for (HasMetadata object : admin.load(in).items()) {
                admin.resource(object).fieldManager("capstan-tests").forceConflicts().serverSideApply();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A config that authenticates as ServiceAccount {@code namespace/name} with a token from the TokenRequest API. */
    public static Config tokenConfig(KubeControlPlane cp, KubernetesClient admin, String namespace, String name) {
        TokenRequest granted = admin.serviceAccounts().inNamespace(namespace).withName(name).tokenRequest(
                new TokenRequestBuilder().withNewSpec().withExpirationSeconds(TOKEN_SECONDS).endSpec().build());
        return new ConfigBuilder(cp.config()).withOauthToken(granted.getStatus().getToken()).build();
    }

    /** The user name the API server knows the agent by (in audit events and RBAC subjects). */
    public static String userName() {
        return "system:serviceaccount:" + NAMESPACE + ":" + NAME;
    }
}
