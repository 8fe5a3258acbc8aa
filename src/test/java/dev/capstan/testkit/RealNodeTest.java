package dev.capstan.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The real node itself: the scheduler binds a pod, the kubelet runs it in containerd and probes it, the pod has an
 * address on the bridge, and Service IPs route (kube-proxy), {@code kubernetes.default} to the API server included.
 */
@NodeTest
class RealNodeTest {

    private static Pod pod(KubernetesClient client, String ns, String yaml) {
        Pod p = client.getKubernetesSerialization().unmarshal(yaml, Pod.class);
        return client.pods().inNamespace(ns).resource(p).create();
    }

    private static String describe(KubernetesClient client, String ns, String name) {
        Pod p = client.pods().inNamespace(ns).withName(name).get();
        String log;
        try {
            log = client.pods().inNamespace(ns).withName(name).getLog();
        } catch (RuntimeException e) {
            log = "(no log: " + e.getMessage() + ")";
        }
        return p == null ? "gone" : "log: " + log + "\nstatus: " + p.getStatus() + "\nevents: " + client.v1().events().inNamespace(ns).list()
                .getItems().stream().map(e -> e.getReason() + ": " + e.getMessage()).toList();
    }

    @Test
    void aPodIsScheduledRunsPassesItsProbesAndReachesTheApiServerThroughItsServiceIp(KubernetesClient client, TestNamespace ns) {
        pod(client, ns.name(), """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: web
                    image: %s
                    imagePullPolicy: Never
                    env: [{name: READY_AFTER, value: "2"}]
                    readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 1}
                    livenessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 2}
                """.formatted(RealNode.WORKLOAD_IMAGE));
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> Pods.ready(client.pods().inNamespace(ns.name()).withName("web").get()));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("pod web not Ready: " + describe(client, ns.name(), "web"), e);
        }
        Pod web = client.pods().inNamespace(ns.name()).withName("web").get();
        assertEquals(RealNode.NODE_NAME, web.getSpec().getNodeName(), "bound by the scheduler");
        assertTrue(web.getStatus().getPodIP().startsWith("10.244.0."), web.getStatus().getPodIP());

        // a pod reaches the API server at kubernetes.default's ClusterIP (kube-proxy) and the web pod by its IP
        String ip = client.services().inNamespace("default").withName("kubernetes").get().getSpec().getClusterIP();
        pod(client, ns.name(), """
                apiVersion: v1
                kind: Pod
                metadata: {name: probe}
                spec:
                  restartPolicy: Never
                  containers:
                  - name: probe
                    image: %s
                    imagePullPolicy: Never
                    command: [/bin/sh, -c, "nc -w 5 %s 443 -e /bin/true && wget -q -O - http://%s:8080/ready"]
                """.formatted(RealNode.WORKLOAD_IMAGE, ip, web.getStatus().getPodIP()));
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                Pod p = client.pods().inNamespace(ns.name()).withName("probe").get();
                return p != null && ("Succeeded".equals(p.getStatus().getPhase()) || "Failed".equals(p.getStatus().getPhase()));
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("pod probe did not finish: " + describe(client, ns.name(), "probe"), e);
        }
        assertEquals("Succeeded", client.pods().inNamespace(ns.name()).withName("probe").get().getStatus().getPhase(),
                describe(client, ns.name(), "probe"));
    }
}
