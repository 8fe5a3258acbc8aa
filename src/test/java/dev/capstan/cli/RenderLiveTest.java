package dev.capstan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.KubeTest;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code capstan render --live}: the cluster's discovery decides which API versions are
 * usable. What a release serves differs (1.20 still serves extensions/v1beta1 Ingress and
 * batch/v1beta1 CronJob; 1.25 and later serve neither), so the test asks the same
 * discovery and expects the warning where the API is served and the error where it is not.
 */
@KubeTest
class RenderLiveTest {

    @TempDir
    Path tmp;

    @Test
    void servedButDoomedApisWarnAndUnservedOnesFail(KubeControlPlane cp, KubernetesClient client) throws Exception {
        Files.writeString(tmp.resolve("ok.yaml"), """
                apiVersion: extensions/v1beta1
                kind: Ingress
                metadata: {name: web}
                ---
                apiVersion: batch/v1beta1
                kind: CronJob
                metadata: {name: nightly}
                """);
        CliRun run = CliRun.of("render", "--live", "--kubeconfig", cp.kubeconfig().toString(), tmp.toString());
        boolean ingressServed = serves(client, "extensions/v1beta1", "Ingress");
        boolean cronServed = serves(client, "batch/v1beta1", "CronJob");
        assertEquals(ingressServed && cronServed ? 0 : 2, run.exitCode(), run.err());
        assertTrue(run.err().contains(ingressServed
                ? "ok.yaml:1: Ingress/default/web: warning: apiVersion extensions/v1beta1 is served by this cluster but "
                        + "removed in Kubernetes 1.22; use networking.k8s.io/v1 before upgrading"
                : "ok.yaml:1: Ingress/default/web: apiVersion extensions/v1beta1 was removed in Kubernetes 1.22; "
                        + "use networking.k8s.io/v1 (this cluster does not serve it)"), cp.release() + ": " + run.err());
        assertTrue(run.err().contains(cronServed
                ? "ok.yaml:5: CronJob/default/nightly: warning: apiVersion batch/v1beta1 is served by this cluster but "
                        + "removed in Kubernetes 1.25; use batch/v1"
                : "ok.yaml:5: CronJob/default/nightly: apiVersion batch/v1beta1 was removed in Kubernetes 1.25; use "
                        + "batch/v1 (this cluster does not serve it)"), cp.release() + ": " + run.err());

        Files.delete(tmp.resolve("ok.yaml"));
        Files.writeString(tmp.resolve("old.yaml"), "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: python-web-app}\n");
        CliRun unserved = CliRun.of("render", "--live", "--kubeconfig", cp.kubeconfig().toString(), tmp.toString());
        assertEquals(2, unserved.exitCode());
        assertTrue(unserved.err().contains("old.yaml:1: Deployment/default/python-web-app: apiVersion extensions/v1beta1 was removed "
                + "in Kubernetes 1.16; use apps/v1 (this cluster does not serve it)"), unserved.err());
    }

    /** Asked of discovery directly, not of Capstan's code under test. */
    private static boolean serves(KubernetesClient client, String apiVersion, String kind) {
        try {
            APIResourceList resources = client.getApiResources(apiVersion);
            return resources != null && resources.getResources().stream().anyMatch(r -> kind.equals(r.getKind()));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    @Test
    void offlineTheSameFilesAreJudgedByTheTargetVersion() throws Exception {
        Files.writeString(tmp.resolve("cron.yaml"), "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: nightly}\n");
        assertEquals(2, CliRun.of("render", tmp.toString()).exitCode(), "removed by 1.25, and the default target is newer");
        assertEquals(0, CliRun.of("render", "--kube-version", "1.24", tmp.toString()).exitCode());
    }

    @Test
    void unreachableClusterIsAOneLineError() {
        CliRun run = CliRun.of("render", "--live", "--kubeconfig", tmp.resolve("missing").toString(), tmp.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("error: cannot read kubeconfig"), run.err());
    }
}
