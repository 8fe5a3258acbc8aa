package dev.capstan.testkit;

import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the kubelet for the test control plane (which has neither scheduler nor kubelet):
 * binds every new Pod to one fake Node and writes the status a kubelet would, chosen by
 * the image tag of its containers so tests can make rollouts succeed, stall or fail
 * through the real Deployment, StatefulSet and Job controllers:
 * <ul>
 *   <li>{@code :never-ready} runs but never passes its readiness probe;</li>
 *   <li>{@code :crashloop} crash-loops (waiting, CrashLoopBackOff, restarts counted);</li>
 *   <li>{@code :image-pull-error} cannot pull its image (ImagePullBackOff);</li>
 *   <li>{@code :fail} exits 1 (Failed for restartPolicy Never/OnFailure pods);</li>
 *   <li>{@code :slow-ready} becomes ready {@value #SLOW_READY_SECONDS} seconds after the pod was created;</li>
 *   <li>anything else becomes Ready (Running), or Succeeded for run-to-completion pods.</li>
 * </ul>
 * Pods being deleted are removed at once, as a kubelet would after the containers stop.
 */
public final class KubeletSimulator {

    public static final String NODE = "sim-node";
    public static final int SLOW_READY_SECONDS = 3;

    private static KubeletSimulator instance;

    private final KubernetesClient client;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "kubelet-simulator");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger ips = new AtomicInteger(10);
    private final java.util.concurrent.ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kubelet-simulator-timer");
        t.setDaemon(true);
        return t;
    });

    private KubeletSimulator(KubernetesClient client) {
        this.client = client;
    }

    public static synchronized void start(KubernetesClient client) {
        if (instance != null) {
            return;
        }
        KubeletSimulator sim = new KubeletSimulator(client);
        sim.registerNode();
        client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                sim.enqueue(pod);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod pod) {
                sim.enqueue(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
            }
        }, 0);
        instance = sim;
    }

    private void registerNode() {
        Map<String, Quantity> capacity = Map.of("cpu", new Quantity("16"), "memory", new Quantity("64Gi"),
                "pods", new Quantity("500"));
        client.nodes().resource(new NodeBuilder()
                .withNewMetadata().withName(NODE).addToLabels("kubernetes.io/hostname", NODE).endMetadata()
                .build()).createOr(existing -> existing.update());
        var status = (new io.fabric8.kubernetes.api.model.NodeStatusBuilder()
                .withCapacity(capacity).withAllocatable(capacity)
                .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
                .withLastHeartbeatTime(now()).withLastTransitionTime(now()).endCondition()
                .addNewAddress().withType("InternalIP").withAddress("127.0.0.1").endAddress()
                .build());
        for (int attempt = 0; ; attempt++) { // the node controller may write the node meanwhile
            var node = client.nodes().withName(NODE).get();
            node.setStatus(status);
            try {
                client.nodes().resource(node).updateStatus();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt > 10) {
                    throw e;
                }
            }
        }
    }

    private void enqueue(Pod pod) {
        worker.submit(() -> {
            try {
                handle(pod);
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) { // written meanwhile (by a controller): a kubelet retries on the fresh pod
                    Pod fresh = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).get();
                    if (fresh != null) {
                        enqueue(fresh);
                    }
                } else if (e.getCode() != 404) {
                    System.err.println("kubelet-simulator: " + pod.getMetadata().getNamespace() + "/"
                            + pod.getMetadata().getName() + ": " + e.getMessage());
                }
            }
        });
    }

    private void handle(Pod pod) {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            client.pods().inNamespace(ns).withName(name).withGracePeriod(0).delete();
            return;
        }
        if (pod.getSpec().getNodeName() == null || pod.getSpec().getNodeName().isEmpty()) {
            client.bindings().inNamespace(ns).resource(new BindingBuilder()
                    .withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                    .withNewTarget().withKind("Node").withName(NODE).withApiVersion("v1").endTarget()
                    .build()).create();
            return; // the binding's update event brings the pod back here
        }
        PodStatus desired = statusFor(pod);
        PodStatus current = pod.getStatus();
        if (current != null && Objects.equals(current.getPhase(), desired.getPhase())
                && readyOf(current).equals(readyOf(desired)) && current.getContainerStatuses() != null
                && !current.getContainerStatuses().isEmpty()) {
            return;
        }
        pod.setStatus(desired);
        client.pods().inNamespace(ns).resource(pod).updateStatus();
    }

    private static String readyOf(PodStatus status) {
        if (status.getConditions() == null) {
            return "";
        }
        return status.getConditions().stream().filter(c -> "Ready".equals(c.getType()))
                .map(PodCondition::getStatus).findFirst().orElse("");
    }

    private PodStatus statusFor(Pod pod) {
        List<Container> containers = pod.getSpec().getContainers();
        boolean runToCompletion = !"Always".equals(pod.getSpec().getRestartPolicy());
        boolean ready = true;
        boolean failed = false;
        boolean running = true;
        List<ContainerStatus> statuses = new ArrayList<>();
        for (Container c : containers) {
            String tag = tagOf(c.getImage());
            ContainerStatusBuilder s = new ContainerStatusBuilder()
                    .withName(c.getName()).withImage(c.getImage())
                    .withImageID("docker-pullable://" + c.getImage()).withContainerID("sim://" + c.getName());
            if (tag.equals("slow-ready")) {
                long age = java.time.Duration.between(Instant.parse(pod.getMetadata().getCreationTimestamp()), Instant.now()).toMillis();
                long wait = SLOW_READY_SECONDS * 1000L - age;
                if (wait > 0) {
                    later.schedule(() -> {
                        Pod fresh = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).get();
                        if (fresh != null) {
                            enqueue(fresh);
                        }
                    }, wait, java.util.concurrent.TimeUnit.MILLISECONDS);
                    tag = "never-ready";
                }
            }
            switch (tag) {
                case "never-ready" -> {
                    ready = false;
                    s.withReady(false).withStarted(true).withRestartCount(0)
                            .withNewState().withNewRunning().withStartedAt(now()).endRunning().endState();
                }
                case "crashloop" -> {
                    ready = false;
                    s.withReady(false).withStarted(false).withRestartCount(3)
                            .withNewState().withNewWaiting().withReason("CrashLoopBackOff")
                            .withMessage("back-off 40s restarting failed container=" + c.getName()).endWaiting().endState()
                            .withNewLastState().withNewTerminated().withExitCode(1).withReason("Error")
                            .withStartedAt(now()).withFinishedAt(now()).endTerminated().endLastState();
                }
                case "image-pull-error" -> {
                    ready = false;
                    running = false;
                    s.withReady(false).withStarted(false).withRestartCount(0)
                            .withNewState().withNewWaiting().withReason("ImagePullBackOff")
                            .withMessage("Back-off pulling image \"" + c.getImage() + "\"").endWaiting().endState();
                }
                case "fail" -> {
                    ready = false;
                    failed = true;
                    s.withReady(false).withStarted(false).withRestartCount(0)
                            .withNewState().withNewTerminated().withExitCode(1).withReason("Error")
                            .withStartedAt(now()).withFinishedAt(now()).endTerminated().endState();
                }
                default -> {
                    if (runToCompletion) {
                        s.withReady(false).withStarted(false).withRestartCount(0)
                                .withNewState().withNewTerminated().withExitCode(0).withReason("Completed")
                                .withStartedAt(now()).withFinishedAt(now()).endTerminated().endState();
                    } else {
                        s.withReady(true).withStarted(true).withRestartCount(0)
                                .withNewState().withNewRunning().withStartedAt(now()).endRunning().endState();
                    }
                }
            }
            statuses.add(s.build());
        }
        String phase;
        if (runToCompletion && failed) {
            phase = "Failed";
        } else if (runToCompletion && ready && !failed) {
            phase = "Succeeded";
        } else {
            phase = running ? "Running" : "Pending";
        }
        boolean podReady = ready && "Running".equals(phase);
        PodStatus old = pod.getStatus();
        String ip = old != null && old.getPodIP() != null ? old.getPodIP() : "10.244.0." + (ips.getAndIncrement() % 250 + 2);
        return new PodStatusBuilder()
                .withPhase(phase)
                .withHostIP("127.0.0.1").withPodIP(ip).addNewPodIP(ip)
                .withStartTime(old != null && old.getStartTime() != null ? old.getStartTime() : now())
                // set by the API server at creation and immutable since 1.29 (an update changing it is refused)
                .withQosClass(old != null && old.getQosClass() != null ? old.getQosClass() : "BestEffort")
                .withConditions(condition("PodScheduled", true), condition("Initialized", true),
                        condition("ContainersReady", podReady), condition("Ready", podReady))
                .withContainerStatuses(statuses)
                .build();
    }

    private static PodCondition condition(String type, boolean status) {
        return new PodConditionBuilder().withType(type).withStatus(status ? "True" : "False")
                .withLastTransitionTime(now()).build();
    }

    private static String tagOf(String image) {
        if (image == null) {
            return "";
        }
        int at = image.indexOf('@');
        String ref = at >= 0 ? image.substring(0, at) : image;
        int colon = ref.lastIndexOf(':');
        return colon > ref.lastIndexOf('/') ? ref.substring(colon + 1) : "latest";
    }

    private static String now() {
        return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }
}
