package dev.capstan.plan;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProvablyValidTest {

    static DesiredObject object(String kind, Map<String, Object> fields) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("apiVersion", "v1");
        body.put("kind", kind);
        body.put("metadata", new LinkedHashMap<>(Map.of("name", "cfg", "namespace", "shop",
                "labels", Map.of("app.kubernetes.io/name", "shop"), "annotations", Map.of("capstan.dev/tracking-id", "shop:/ConfigMap:shop/cfg"))));
        body.putAll(fields);
        return new DesiredObject(new ObjectRef("", kind, "shop", "cfg"), "v1", body, "h", "cfg.yaml:1", List.of(), 0);
    }

    private static DesiredObject withMetadata(String key, Object value) {
        DesiredObject o = object("ConfigMap", Map.of("data", Map.of("a", "b")));
        @SuppressWarnings("unchecked")
        Map<String, Object> meta = (Map<String, Object>) o.body().get("metadata");
        meta.put(key, value);
        return o;
    }

    @Test
    void plainConfigMapsSecretsAndServiceAccountsAreProven() {
        assertTrue(ProvablyValid.asCreate(object("ConfigMap", Map.of("data", Map.of("app.properties", "x=1", ".env", "A=1"),
                "binaryData", Map.of("logo.png", "iVBORw0KGgo="), "immutable", true))));
        assertTrue(ProvablyValid.asCreate(object("ConfigMap", Map.of())));
        assertTrue(ProvablyValid.asCreate(object("Secret", Map.of("stringData", Map.of("token", "s3cr3t"), "data", Map.of("k", "dg==")))));
        assertTrue(ProvablyValid.asCreate(object("Secret", Map.of("type", "kubernetes.io/tls",
                "data", Map.of("tls.crt", "Y2VydA==", "tls.key", "a2V5")))));
        assertTrue(ProvablyValid.asCreate(object("Secret", Map.of("type", "kubernetes.io/basic-auth", "stringData", Map.of("username", "u")))));
        assertTrue(ProvablyValid.asCreate(object("ServiceAccount", Map.of("automountServiceAccountToken", false,
                "imagePullSecrets", List.of(Map.of("name", "registry"))))));
    }

    @Test
    void whatTheServerWouldRefuseIsNotProven() {
        assertFalse(ProvablyValid.asCreate(object("ConfigMap", Map.of("data", Map.of("bad key", "x")))));
        assertFalse(ProvablyValid.asCreate(object("ConfigMap", Map.of("data", Map.of("..hidden", "x")))));
        assertFalse(ProvablyValid.asCreate(object("ConfigMap", Map.of("data", Map.of("n", 1)))));
        assertFalse(ProvablyValid.asCreate(object("ConfigMap", Map.of("data", Map.of("a", "x"), "binaryData", Map.of("a", "eA==")))));
        assertFalse(ProvablyValid.asCreate(object("ConfigMap", Map.of("binaryData", Map.of("a", "eA")))), "unpadded base64");
        assertFalse(ProvablyValid.asCreate(object("ConfigMap", Map.of("data", Map.of("a", "\ud800")))), "a lone surrogate");
        assertFalse(ProvablyValid.asCreate(object("Secret", Map.of("data", Map.of("k", "not base64!")))));
        assertFalse(ProvablyValid.asCreate(object("Secret", Map.of("type", "kubernetes.io/tls", "data", Map.of("tls.crt", "Y2VydA==")))));
        assertFalse(ProvablyValid.asCreate(object("Secret", Map.of("type", "kubernetes.io/basic-auth", "stringData", Map.of("username", "")))));
        assertFalse(ProvablyValid.asCreate(withMetadata("labels", Map.of("app", "not valid!"))));
        assertFalse(ProvablyValid.asCreate(withMetadata("labels", Map.of("-app", "x"))));
        assertFalse(ProvablyValid.asCreate(withMetadata("annotations", Map.of("a/b/c", "x"))));
        assertFalse(ProvablyValid.asCreate(withMetadata("labels", Map.of("app", "x".repeat(64)))));
    }

    @Test
    void whatIsNotCheckedHereIsNotProven() {
        assertFalse(ProvablyValid.asCreate(object("ConfigMap", Map.of("spec", Map.of()))), "an unknown field");
        assertFalse(ProvablyValid.asCreate(withMetadata("ownerReferences", List.of())));
        assertFalse(ProvablyValid.asCreate(withMetadata("finalizers", List.of("x"))));
        assertFalse(ProvablyValid.asCreate(withMetadata("generateName", "cfg-")));
        assertFalse(ProvablyValid.asCreate(object("Secret", Map.of("type", "kubernetes.io/service-account-token"))));
        assertFalse(ProvablyValid.asCreate(object("Secret", Map.of("type", "kubernetes.io/dockerconfigjson",
                "stringData", Map.of(".dockerconfigjson", "{}")))));
        assertFalse(ProvablyValid.asCreate(object("ConfigMap", Map.of("data", Map.of("big", "x".repeat(600_000))))), "near the 1 MiB limit");
        assertFalse(ProvablyValid.asCreate(object("ServiceAccount", Map.of("secrets", List.of(Map.of("name", "s"))))));
        DesiredObject deployment = object("Deployment", Map.of());
        assertFalse(ProvablyValid.asCreate(new DesiredObject(new ObjectRef("apps", "Deployment", "shop", "cfg"), "apps/v1",
                deployment.body(), "h", "d.yaml:1", List.of(), 0)));
        Map<String, Object> body = new HashMap<>(object("ConfigMap", Map.of()).body());
        body.put("apiVersion", "v2");
        assertFalse(ProvablyValid.asCreate(new DesiredObject(new ObjectRef("", "ConfigMap", "shop", "cfg"), "v2", body, "h", "c:1", List.of(), 0)));
    }
}
