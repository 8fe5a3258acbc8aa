package dev.capstan.testkit;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests the shared {@link KubeControlPlane}: parameters of type
 * {@link KubernetesClient} (one client per JVM), {@link KubeControlPlane} and
 * {@link TestNamespace} (a fresh namespace per test, deleted afterwards). The
 * {@link KubeletSimulator} runs whenever the controllers do, except in a JVM of a
 * {@link RealNode}, where a real kubelet runs the pods.
 */
public final class KubeExtension implements BeforeAllCallback, ParameterResolver, AfterEachCallback {

    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(KubeExtension.class);
    private static KubernetesClient client;

    static synchronized KubernetesClient sharedClient() {
        if (client == null) {
            KubeControlPlane cp = KubeControlPlane.get();
            client = cp.newClient();
            if (RealNode.enabled()) {
                RealNode.get(cp);
            } else if (cp.hasControllers()) {
                KubeletSimulator.start(cp.newClient());
            }
        }
        return client;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        sharedClient();
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        Class<?> type = p.getParameter().getType();
        return type == KubernetesClient.class || type == TestNamespace.class || type == KubeControlPlane.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        Class<?> type = p.getParameter().getType();
        if (type == KubernetesClient.class) {
            return sharedClient();
        }
        if (type == KubeControlPlane.class) {
            sharedClient();
            return KubeControlPlane.get();
        }
        return e.getStore(STORE).getOrComputeIfAbsent("namespace", k -> createNamespace(), TestNamespace.class);
    }

    private static TestNamespace createNamespace() {
        String name = "t-" + UUID.randomUUID().toString().substring(0, 8);
        sharedClient().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        return new TestNamespace(name);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        TestNamespace ns = context.getStore(STORE).get("namespace", TestNamespace.class);
        if (ns != null) {
            sharedClient().namespaces().withName(ns.name()).delete();
        }
    }
}
