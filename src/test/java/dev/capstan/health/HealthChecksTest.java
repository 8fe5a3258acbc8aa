package dev.capstan.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.yaml.YamlLimits;
import dev.capstan.yaml.YamlReader;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One fixture per rule, named for the case: its expected code and a piece of the message a person reads. */
class HealthChecksTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            deployment-healthy                       | Healthy     | 3 of 3 replicas available
            deployment-progress-deadline-exceeded    | Degraded    | 1 of 3 replicas available; ProgressDeadlineExceeded: ReplicaSet "web-5d4" has timed out progressing.
            deployment-rollout-in-progress           | Progressing | 2 of 3 replicas updated
            deployment-generation-not-observed       | Progressing | observe the new spec
            deployment-old-replicas-terminating      | Progressing | 1 old replicas pending termination
            deployment-paused                        | Suspended   | paused
            deployment-being-deleted                 | Progressing | being deleted
            statefulset-healthy                      | Healthy     | 2 of 2 replicas ready
            statefulset-rolling-update               | Progressing | 1 of 3 replicas updated to revision db-2
            statefulset-partition-done               | Healthy     | partitioned rollout done
            statefulset-partition-pending            | Progressing | 1 of 2 replicas above partition 2 updated
            statefulset-ondelete                     | Healthy     | OnDelete
            statefulset-not-ready                    | Progressing | 1 of 3 replicas ready
            daemonset-healthy                        | Healthy     | 3 of 3 pods available
            daemonset-updating                       | Progressing | 1 of 3 pods updated
            replicaset-failure                       | Degraded    | FailedCreate: pods "web-1-x" is forbidden
            pod-crashloop                            | Degraded    | container web CrashLoopBackOff: back-off 2m40s restarting failed container (5 restarts)
            pod-image-pull-backoff                   | Degraded    | container web ImagePullBackOff
            pod-err-image-pull-init                  | Degraded    | container migrate ErrImagePull: manifest unknown
            pod-exited-with-error-restarting         | Degraded    | container web exited with code 1 (Error) (2 restarts)
            pod-running-ready                        | Healthy     | running and ready
            pod-running-not-ready                    | Progressing | running, not ready: ContainersNotReady
            pod-pending                              | Progressing | Pending
            pod-succeeded                            | Healthy     | completed
            pod-failed                               | Degraded    | container migrate exited 3
            job-complete                             | Healthy     | job completed
            job-failed                               | Degraded    | BackoffLimitExceeded
            job-suspended                            | Suspended   | suspended
            job-running                              | Progressing | 1 active
            cronjob-suspended                        | Suspended   | suspended
            cronjob-active                           | Healthy     | last scheduled
            pvc-bound                                | Healthy     | bound to pv-1
            pvc-pending                              | Progressing | waiting for a volume
            pvc-lost                                 | Degraded    | lost its volume
            service-clusterip                        | Healthy     | ClusterIP
            service-loadbalancer-pending             | Progressing | load balancer
            service-loadbalancer-ready               | Healthy     | LoadBalancer
            ingress-with-address                     | Healthy     | lb.example.com
            ingress-without-address                  | Progressing | publish an address
            hpa-v2-failed-metrics                    | Healthy     | not autoscaling, 2 replicas: ScalingActive is False: FailedGetResourceMetric
            hpa-v2-rescaling                         | Progressing | rescaling from 2 to 5 replicas
            hpa-v2-cannot-update-scale               | Degraded    | AbleToScale is False: FailedUpdateScale
            hpa-v2beta2-healthy                      | Healthy     | 3 current / 3 desired
            hpa-v1-annotation-failed                 | Degraded    | AbleToScale is False: FailedGetScale
            crd-established                          | Healthy     | established
            crd-names-conflict                       | Degraded    | ListKindConflict
            apiservice-unavailable                   | Degraded    | FailedDiscoveryCheck
            namespace-terminating                    | Progressing | terminating
            configmap-no-status                      | Healthy     | exists
            custom-resource-ready-false              | Degraded    | Ready is False: ConnectionRefused: cannot reach primary
            custom-resource-ready-false-provisioning | Progressing | Provisioning
            custom-resource-ready                    | Healthy     | ready
            custom-resource-generation-behind        | Progressing | generation 3
            custom-resource-stalled                  | Degraded    | stalled: InvalidSpec
            custom-resource-reconciling              | Progressing | reconciling: Upgrading
            """)
    @SuppressWarnings("unchecked")
    void assessesEachCase(String fixture, HealthStatus expected, String message) throws Exception {
        Map<String, Object> object;
        try (InputStream in = HealthChecksTest.class.getResourceAsStream(fixture + ".yaml")) {
            object = (Map<String, Object>) new YamlReader(YamlLimits.defaults())
                    .readAll(new String(in.readAllBytes(), StandardCharsets.UTF_8)).get(0).value();
        }
        Health health = HealthChecks.assess(object);
        assertEquals(expected, health.status(), health.message());
        assertTrue(health.message().contains(message), "message: " + health.message());
    }
}
