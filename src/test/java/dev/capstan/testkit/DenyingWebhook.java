package dev.capstan.testkit;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * A validating admission webhook on 127.0.0.1 that denies every object labelled
 * {@code capstan-test/deny: "true"} with a fixed reason, registered with the test API
 * server: how a policy engine (Kyverno, Gatekeeper) refuses an apply. Its certificate is
 * made by the JDK's keytool.
 */
public final class DenyingWebhook implements AutoCloseable {

    public static final String LABEL = "capstan-test/deny";
    private static final Pattern UID = Pattern.compile("\"uid\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpsServer server;
    private final KubernetesClient client;
    private final String name;

    public DenyingWebhook(KubernetesClient client, Path dir, String name, String reason) throws Exception {
        this.client = client;
        this.name = name;
        SelfSignedTls cert = SelfSignedTls.create(dir, "webhook");
        Path pem = cert.pem();
        SSLContext tls = cert.server();
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/validate", exchange -> {
            String review = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher uid = UID.matcher(review);
            String body = """
                    {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                     "response": {"uid": "%s", "allowed": false, "status": {"code": 403, "message": "%s"}}}
                    """.formatted(uid.find() ? uid.group(1) : "", reason);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        String caBundle = Base64.getEncoder().encodeToString(Files.readAllBytes(pem));
        client.resource(client.getKubernetesSerialization().unmarshal("""
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingWebhookConfiguration
                metadata: {name: %s}
                webhooks:
                  - name: %s
                    admissionReviewVersions: [v1]
                    sideEffects: None
                    failurePolicy: Fail
                    timeoutSeconds: 5
                    objectSelector: {matchLabels: {"%s": "true"}}
                    rules: [{apiGroups: ["*"], apiVersions: ["*"], operations: [CREATE, UPDATE], resources: ["*"]}]
                    clientConfig: {url: "https://127.0.0.1:%d/validate", caBundle: %s}
                """.formatted(name, name, LABEL, server.getAddress().getPort(), caBundle),
                io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration.class)).create();
    }

    public static Map<String, String> denyLabel() {
        return Map.of(LABEL, "true");
    }

    @Override
    public void close() {
        client.admissionRegistration().v1().validatingWebhookConfigurations().withName(name).delete();
        server.stop(0);
    }
}
