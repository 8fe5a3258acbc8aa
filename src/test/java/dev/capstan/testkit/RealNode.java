package dev.capstan.testkit;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real node for the tests of one JVM: containerd (runc, the CNI bridge), kubelet, kube-scheduler
 * and kube-proxy, beside the {@link KubeControlPlane}, so pods really run, probes really probe and
 * Service IPs ({@code kubernetes.default} included) really route. Started in a JVM whose system
 * property {@code capstan.node} is true (the {@code real-node} execution of surefire), in place of
 * the {@link KubeletSimulator}.
 *
 * <p>Pods reach the API server on the bridge's address ({@link #NODE_IP}), where it listens in this
 * JVM instead of 127.0.0.1; nothing listens beyond this machine. The parts come from
 * {@code scripts/node-test-env} (Debian's containerd, runc and CNI plugins; kubelet, scheduler and
 * proxy from the Go module proxy beside the control plane; the test images in
 * {@code /var/cache/capstan-node}). Needs root.
 */
public final class RealNode {

    /** The node's bridge, and its address: the pods' gateway and the API server's address. */
    static final String BRIDGE = "capstan0";
    public static final String NODE_IP = "10.244.0.1";
    static final String POD_CIDR = "10.244.0.0/24";
    public static final String NODE_NAME = "capstan-node";
    /** The test workload image (see scripts/node-test-env for what its environment makes it do). */
    public static final String WORKLOAD_IMAGE = "localhost/capstan-test/workload:1";
    static final String PAUSE_IMAGE = "localhost/capstan-test/pause:1";
    private static final int IMAGES_RECIPE = 2;

    static final String HOW_TO_GET = "make the real node's parts with `sudo scripts/node-test-env` (Debian packages, "
            + "kubelet/kube-scheduler/kube-proxy into the control plane's cache, images into /var/cache/capstan-node)";

    private static RealNode instance;
    private static RuntimeException startFailure;

    private final Path dir;
    private final ChildProcesses processes;
    private final Path socket;

    private RealNode(Path dir) {
        this.dir = dir;
        this.processes = new ChildProcesses(dir);
        this.socket = dir.resolve("containerd.sock");
    }

    /** Whether this JVM runs a real node (system property {@code capstan.node}). */
    public static boolean enabled() {
        return Boolean.getBoolean("capstan.node");
    }

    /** The node of this JVM, started on first use after the control plane. */
    public static synchronized RealNode get(KubeControlPlane cp) {
        if (startFailure != null) {
            throw startFailure;
        }
        if (instance == null) {
            try {
                // short: containerd's socket path must fit in 108 bytes
                RealNode node = new RealNode(Files.createTempDirectory(Path.of("/tmp"), "cnode"));
                Runtime.getRuntime().addShutdownHook(new Thread(node::stop, "real-node-stop"));
                node.start(cp);
                instance = node;
            } catch (IOException e) {
                startFailure = new UncheckedIOException(e);
                throw startFailure;
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
        }
        return instance;
    }

    /** The kubectl of the node's release (scripts/kube-test-env builds it with the node). */
    public static Path kubectl() {
        return KubeControlPlane.binDir().resolve("kubectl");
    }

    /** The images made by scripts/node-test-env. */
    public static Path images() {
        return Path.of(System.getenv().getOrDefault("CAPSTAN_NODE_CACHE", "/var/cache/capstan-node"), "images-" + IMAGES_RECIPE);
    }

    /**
     * The bridge pods hang off, with the node's address, made before the API server starts so it can listen there
     * (the CNI bridge plugin takes an existing bridge as it is). Left in place at the end: the next run reuses it.
     */
    static synchronized String prepareNetwork() {
        try {
            // ip(8), not NetworkInterface: the JDK does not list a bridge that is down and has no address yet
            if (!Commands.check(List.of("ip", "-o", "link", "show")).contains(" " + BRIDGE + ":")) {
                Commands.check(List.of("ip", "link", "add", BRIDGE, "type", "bridge"));
            }
            if (!Commands.check(List.of("ip", "-o", "addr", "show", "dev", BRIDGE)).contains(" " + NODE_IP + "/")) {
                Commands.check(List.of("ip", "addr", "add", NODE_IP + "/24", "dev", BRIDGE));
            }
            Commands.check(List.of("ip", "link", "set", BRIDGE, "up"));
            deletePodNetworks();
            return NODE_IP;
        } catch (IOException e) {
            throw new IllegalStateException("cannot make the node's bridge " + BRIDGE + " (run as root): " + e.getMessage(), e);
        }
    }

    private void start(KubeControlPlane cp) throws IOException {
        Path bin = KubeControlPlane.binDir();
        for (String b : List.of("kubelet", "kube-scheduler", "kube-proxy")) {
            if (!Files.isExecutable(bin.resolve(b))) {
                throw new IllegalStateException("no " + b + " in " + bin + ": " + HOW_TO_GET);
            }
        }
        for (String image : List.of("pause.tar", "workload.tar")) {
            if (!Files.isRegularFile(images().resolve(image))) {
                throw new IllegalStateException("no " + images().resolve(image) + ": " + HOW_TO_GET);
            }
        }
        try {
            startContainerd();
            importImage(images().resolve("pause.tar"));
            importImage(images().resolve("workload.tar"));
            startKubelet(bin, cp);
            processes.spawn("kube-scheduler", BinaryFlags.of(bin.resolve("kube-scheduler")).command(
                    "--kubeconfig", cp.kubeconfig().toString(), "--leader-elect=false",
                    "--bind-address", "127.0.0.1", "--secure-port", String.valueOf(KubeControlPlane.freePort()), "--v=0").build());
            processes.spawn("kube-proxy", BinaryFlags.of(bin.resolve("kube-proxy")).command(
                    "--kubeconfig", cp.kubeconfig().toString(), "--hostname-override", NODE_NAME,
                    "--proxy-mode", "iptables", "--cluster-cidr", POD_CIDR,
                    // NodePorts on the node's bridge address only, not on every address of the machine
                    "--nodeport-addresses", NODE_IP + "/32",
                    // leave the machine's conntrack settings alone
                    "--conntrack-max-per-core=0", "--conntrack-tcp-timeout-established=0s",
                    "--conntrack-tcp-timeout-close-wait=0s",
                    "--healthz-bind-address", "127.0.0.1:" + KubeControlPlane.freePort(), "--metrics-bind-address", "127.0.0.1:" + KubeControlPlane.freePort(),
                    "--v=0").build());
            try (KubernetesClient client = cp.newClient()) {
                awaitNodeReady(client);
            }
        } catch (RuntimeException | IOException e) {
            stop();
            throw e;
        }
    }

    private void startContainerd() throws IOException {
        Path cni = Files.createDirectories(dir.resolve("cni"));
        Files.writeString(cni.resolve("10-capstan.conflist"), """
                {"cniVersion": "0.4.0", "name": "capstan", "plugins": [
                  {"type": "bridge", "bridge": "%s", "isGateway": true, "ipMasq": true, "hairpinMode": true,
                   "ipam": {"type": "host-local", "dataDir": "%s", "ranges": [[{"subnet": "%s", "gateway": "%s"}]],
                            "routes": [{"dst": "0.0.0.0/0"}]}},
                  {"type": "portmap", "capabilities": {"portMappings": true}}]}
                """.formatted(BRIDGE, dir.resolve("ipam"), POD_CIDR, NODE_IP));
        Path config = dir.resolve("containerd.toml");
        Files.writeString(config, """
                version = 2
                root = "%s"
                state = "%s"
                [grpc]
                  address = "%s"
                [plugins."io.containerd.grpc.v1.cri"]
                  sandbox_image = "%s"
                  # without it runc fails here with "can't get final child's PID from pipe: EOF"
                  restrict_oom_score_adj = true
                  [plugins."io.containerd.grpc.v1.cri".containerd]
                    default_runtime_name = "runc"
                    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
                      runtime_type = "io.containerd.runc.v2"
                  [plugins."io.containerd.grpc.v1.cri".cni]
                    bin_dir = "/usr/lib/cni"
                    conf_dir = "%s"
                """.formatted(dir.resolve("containerd/root"), dir.resolve("containerd/state"), socket, PAUSE_IMAGE, cni));
        processes.spawn("containerd", List.of("containerd", "--config", config.toString(), "--log-level", "warn"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.exists(socket)) {
            processes.checkAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("containerd made no socket within 30s:\n" + processes.logTails());
            }
            KubeControlPlane.pause();
        }
    }

    /** Imports an OCI archive into the node's containerd, where the kubelet finds it (namespace k8s.io). */
    public void importImage(Path archive) throws IOException {
        Commands.check(List.of("ctr", "--address", socket.toString(), "--namespace", "k8s.io", "images", "import", archive.toString()));
    }

    private void startKubelet(Path bin, KubeControlPlane cp) throws IOException {
        Path config = dir.resolve("kubelet.yaml");
        Files.writeString(config, """
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                # this machine kind: cgroup v1 (hybrid), no systemd
                cgroupDriver: cgroupfs
                failCgroupV1: false
                containerRuntimeEndpoint: unix://%s
                address: %s
                port: %d
                readOnlyPort: 0
                healthzBindAddress: 127.0.0.1
                healthzPort: %d
                authentication: {anonymous: {enabled: true}, webhook: {enabled: false}}
                authorization: {mode: AlwaysAllow}
                enforceNodeAllocatable: []
                evictionHard: {}
                failSwapOn: false
                # no registry can give an image back: never collect one
                imageGCHighThresholdPercent: 100
                imageGCLowThresholdPercent: 99
                serializeImagePulls: false
                resolvConf: /etc/resolv.conf
                podLogsDir: %s
                """.formatted(socket, NODE_IP, KubeControlPlane.freePort(), KubeControlPlane.freePort(), dir.resolve("pod-logs")));
        processes.spawn("kubelet", BinaryFlags.of(bin.resolve("kubelet")).command(
                "--config", config.toString(), "--kubeconfig", cp.kubeconfig().toString(),
                "--root-dir", dir.resolve("kubelet").toString(), "--hostname-override", NODE_NAME,
                "--node-ip", NODE_IP, "--v=0").build());
    }

    private void awaitNodeReady(KubernetesClient client) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        String last = "not registered";
        while (System.nanoTime() < deadline) {
            processes.checkAlive();
            Node node = client.nodes().withName(NODE_NAME).get();
            if (node != null && node.getStatus() != null && node.getStatus().getConditions() != null) {
                var ready = node.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst();
                boolean tainted = node.getSpec().getTaints() != null && !node.getSpec().getTaints().isEmpty();
                if (ready.isPresent() && "True".equals(ready.get().getStatus()) && !tainted) {
                    return;
                }
                if (tainted) {
                    last = "tainted " + node.getSpec().getTaints();
                    KubeControlPlane.pause();
                    continue;
                }
                last = ready.map(c -> c.getReason() + ": " + c.getMessage()).orElse("no Ready condition");
            }
            KubeControlPlane.pause();
        }
        throw new IllegalStateException("node " + NODE_NAME + " not Ready within 120s (" + last + "):\n" + processes.logTails());
    }

    /**
     * Stops the node and leaves nothing running: kube-proxy's rules removed, every container killed (their shims
     * outlive containerd), the kubelet's and containerd's mounts undone, the directory deleted.
     */
    private synchronized void stop() {
        Path bin = KubeControlPlane.binDir();
        List<String> tasks = new ArrayList<>();
        try {
            tasks = Files.exists(socket) ? Commands.check(List.of("ctr", "--address", socket.toString(), "--namespace", "k8s.io",
                    "tasks", "ls", "-q")).lines().filter(l -> !l.isBlank()).toList() : List.of();
        } catch (IOException e) {
            // containerd is gone already: the shims are killed below by their address
        }
        // the containers first, while containerd still answers: a kubelet asked to stop with pods running takes its time
        for (String task : tasks) {
            Commands.quietly(List.of("ctr", "--address", socket.toString(), "--namespace", "k8s.io", "tasks", "kill", "-a", "-s", "SIGKILL", task));
        }
        processes.stopAll();
        Commands.quietly(List.of("pkill", "-KILL", "-f", "containerd-shim-runc-v2 .*-address " + socket));
        if (Files.isExecutable(bin.resolve("kube-proxy"))) {
            Commands.quietly(List.of(bin.resolve("kube-proxy").toString(), "--cleanup"));
        }
        deletePodNetworks();
        unmountUnder(dir);
        processes.keepLogs(KubeControlPlane.logDir().resolve("node"));
        keepPodLogs(KubeControlPlane.logDir().resolve("node").resolve("pods"));
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }

    /** The containers' logs, as the kubelet wrote them (namespace_pod_uid/container/N.log), kept for a red CI's reader. */
    private void keepPodLogs(Path target) {
        Path logs = dir.resolve("pod-logs");
        if (!Files.isDirectory(logs)) {
            return;
        }
        try (Stream<Path> files = Files.walk(logs)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path to = target.resolve(logs.relativize(f).toString().replace('/', '.'));
                Files.createDirectories(to.getParent());
                Files.copy(f, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | UncheckedIOException e) {
            // logs are a convenience
        }
    }

    /**
     * Deletes the network namespaces containerd made for pods (named {@code cni-<uuid>}), and with them their ends of
     * the bridge. A run that ends without the CNI plugin's DEL for every sandbox leaves them, each holding its pod's
     * address: the next run's IPAM hands the same address out again, and probes reach the stale namespace
     * ("connection refused").
     */
    private static void deletePodNetworks() {
        try {
            for (String line : Commands.check(List.of("ip", "netns", "list")).lines().toList()) {
                String name = line.split(" ")[0];
                if (name.startsWith("cni-")) {
                    Commands.quietly(List.of("ip", "netns", "delete", name));
                }
            }
        } catch (IOException e) {
            // best effort
        }
    }

    private static void unmountUnder(Path root) {
        try {
            List<String> mounts = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/mounts"), StandardCharsets.UTF_8)) {
                String target = line.split(" ")[1].replace("\\040", " ");
                if (target.startsWith(root.toString())) {
                    mounts.add(target);
                }
            }
            mounts.sort(Comparator.comparingInt(String::length).reversed());
            for (String m : mounts) {
                Commands.quietly(List.of("umount", "-l", m));
            }
        } catch (IOException e) {
            // best effort
        }
    }

}
