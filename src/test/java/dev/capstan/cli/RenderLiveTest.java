package dev.capstan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.KubeTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code capstan render --live}: the cluster's discovery decides which API versions are usable (a real 1.20 API server). */
@KubeTest
class RenderLiveTest {

    @TempDir
    Path tmp;

    @Test
    void servedButDoomedApisWarnAndUnservedOnesFail(KubeControlPlane cp) throws Exception {
        Files.writeString(tmp.resolve("ok.yaml"), """
                apiVersion: extensions/v1beta1
                kind: Ingress
                metadata: {name: web}
                ---
                apiVersion: batch/v1beta1
                kind: CronJob
                metadata: {name: nightly}
                """);
        CliRun served = CliRun.of("render", "--live", "--kubeconfig", cp.kubeconfig().toString(), tmp.toString());
        assertEquals(0, served.exitCode(), served.err());
        assertTrue(served.err().contains("ok.yaml:1: Ingress/default/web: warning: apiVersion extensions/v1beta1 is served by "
                + "this cluster but removed in Kubernetes 1.22; use networking.k8s.io/v1 before upgrading"), served.err());
        assertTrue(served.err().contains("ok.yaml:5: CronJob/default/nightly: warning: apiVersion batch/v1beta1 is served by "
                + "this cluster but removed in Kubernetes 1.25; use batch/v1"), served.err());

        Files.writeString(tmp.resolve("old.yaml"), "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: python-web-app}\n");
        CliRun unserved = CliRun.of("render", "--live", "--kubeconfig", cp.kubeconfig().toString(), tmp.toString());
        assertEquals(2, unserved.exitCode());
        assertTrue(unserved.err().contains("old.yaml:1: Deployment/default/python-web-app: apiVersion extensions/v1beta1 was removed "
                + "in Kubernetes 1.16; use apps/v1 (this cluster does not serve it)"), unserved.err());
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
