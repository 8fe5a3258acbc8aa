package dev.capstan.testkit;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real Kubernetes control plane for tests: etcd, kube-apiserver and
 * kube-controller-manager as child processes on free 127.0.0.1 ports, started once per
 * test JVM and stopped by a shutdown hook. Binaries come from {@code $CAPSTAN_KUBE_BIN},
 * else {@code <cache>/<version>/bin} with the cache {@code $CAPSTAN_KUBE_CACHE} (default
 * {@code /var/cache/capstan-kube}) and the version {@code $CAPSTAN_KUBE_VERSION} (default
 * {@value #DEFAULT_VERSION}), as {@code scripts/kube-test-env} builds them. Any release
 * from 1.20 on works: optional flags are passed only where the binary's {@code --help}
 * lists them, never by a version table. There is no scheduler and no kubelet: see
 * {@link KubeletSimulator}.
 */
public final class KubeControlPlane {

    /** The release {@code scripts/kube-test-env} builds when none is asked for. */
    static final String DEFAULT_VERSION = "1.37";

    private static final String HOW_TO_GET_BINARIES = "build the test control plane with `sudo scripts/kube-test-env` "
            + "(CAPSTAN_KUBE_VERSION=1.20 for the oldest supported release), or point CAPSTAN_KUBE_BIN at a directory "
            + "holding etcd, kube-apiserver and kube-controller-manager of one release (e.g. kubebuilder envtest's "
            + "binaries plus a kube-controller-manager; CAPSTAN_KUBE_CONTROLLERS=none runs without one and skips the "
            + "tests that need it)";

    private static KubeControlPlane instance;
    private static RuntimeException startFailure;

    private final Path dir;
    private final String token;
    /**
     * Where the API server listens and what it advertises: 127.0.0.1, or in a real-node JVM ({@link RealNode}) the
     * node's bridge address, which pods can route to (the {@code kubernetes} Service's endpoint).
     */
    private final String address;
    private final ChildProcesses processes;
    private int apiPort;
    private Path kubeconfig;
    private boolean controllers;
    private KubeRelease release;
    private Duration startTime;

    private KubeControlPlane(Path dir) {
        this.dir = dir;
        this.processes = new ChildProcesses(dir);
        this.address = RealNode.enabled() ? RealNode.prepareNetwork() : "127.0.0.1";
        this.token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    }

    /** The shared control plane, started on first use; a failed start fails every later call the same way. */
    public static synchronized KubeControlPlane get() {
        if (startFailure != null) {
            throw startFailure;
        }
        if (instance == null) {
            try {
                Path dir = Files.createTempDirectory("capstan-kube");
                KubeControlPlane cp = new KubeControlPlane(dir);
                Runtime.getRuntime().addShutdownHook(new Thread(cp::stop, "kube-control-plane-stop"));
                cp.start();
                instance = cp;
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

    /** Where the binaries are looked for. */
    static Path binDir() {
        String explicit = env("CAPSTAN_KUBE_BIN", null);
        if (explicit != null) {
            return Path.of(explicit);
        }
        return Path.of(env("CAPSTAN_KUBE_CACHE", "/var/cache/capstan-kube"), env("CAPSTAN_KUBE_VERSION", DEFAULT_VERSION), "bin");
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private void start() {
        long t0 = System.nanoTime();
        Path bin = binDir();
        for (String b : List.of("etcd", "kube-apiserver")) {
            if (!Files.isExecutable(bin.resolve(b))) {
                throw new IllegalStateException("no " + b + " in " + bin + ": " + HOW_TO_GET_BINARIES);
            }
        }
        try {
            int etcdPort = freePort();
            int peerPort = freePort();
            apiPort = freePort();
            writeServiceAccountKey();
            Files.writeString(dir.resolve("tokens.csv"), token + ",admin,admin,system:masters\n");
            spawn("etcd", BinaryFlags.of(bin.resolve("etcd")).command(
                    "--data-dir", etcdDataDir().toString(),
                    "--listen-client-urls", "http://127.0.0.1:" + etcdPort,
                    "--advertise-client-urls", "http://127.0.0.1:" + etcdPort,
                    "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
                    "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
                    "--initial-cluster", "default=http://127.0.0.1:" + peerPort)
                    .optional("--logger", "zap").optional("--log-level", "warn").build());
            spawn("kube-apiserver", BinaryFlags.of(bin.resolve("kube-apiserver")).command(
                    "--etcd-servers", "http://127.0.0.1:" + etcdPort,
                    "--bind-address", address, "--advertise-address", address,
                    "--secure-port", String.valueOf(apiPort),
                    "--cert-dir", dir.resolve("certs").toString(),
                    "--token-auth-file", dir.resolve("tokens.csv").toString(),
                    "--authorization-mode", "RBAC",
                    "--service-account-issuer", "https://kubernetes.default.svc",
                    "--service-account-key-file", dir.resolve("sa.key").toString(),
                    "--service-account-signing-key-file", dir.resolve("sa.key").toString(),
                    "--service-cluster-ip-range", "10.96.0.0/24",
                    "--allow-privileged=true",
                    // 1.37 refuses a loopback advertise address for the endpoint reconciler, which only
                    // maintains the `kubernetes` Service's endpoints: only pods use them (a real node)
                    "--endpoint-reconciler-type=" + (RealNode.enabled() ? "lease" : "none"),
                    // logs and exec go to the kubelet by the node's address: its name resolves nowhere here
                    "--kubelet-preferred-address-types=InternalIP,Hostname",
                    "--v=0").and(AgentAudit.flags(dir)).build());
            waitReady();
            kubeconfig = writeKubeconfig("kubeconfig", url(), token);
            release = fetchRelease();
            startControllers(bin);
            startTime = Duration.ofNanos(System.nanoTime() - t0);
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    /**
     * kube-controller-manager, proven to work before any test runs: its ServiceAccount
     * controller must create {@code default/default}. One that is missing or exits (an
     * unknown flag, say) fails the suite here with its log: otherwise every test that needs
     * a Deployment controller would time out, or be skipped, far from the cause.
     */
    private void startControllers(Path bin) throws IOException {
        Path binary = bin.resolve("kube-controller-manager");
        if (!Files.isExecutable(binary)) {
            if ("none".equals(System.getenv("CAPSTAN_KUBE_CONTROLLERS"))) {
                return;
            }
            throw new IllegalStateException("no kube-controller-manager in " + bin + ": " + HOW_TO_GET_BINARIES);
        }
        Process p = spawn("kube-controller-manager", BinaryFlags.of(binary).command(
                "--kubeconfig", kubeconfig.toString(),
                "--leader-elect=false",
                // the node lifecycle controller would evict the simulator's pods from its heartbeat-less fake node; a
                // real node needs it: it lifts the not-ready taint the kubelet registers with
                "--controllers=" + (RealNode.enabled() ? "*" : "*,-nodelifecycle"),
                "--service-account-private-key-file", dir.resolve("sa.key").toString(),
                "--root-ca-file", dir.resolve("certs/apiserver.crt").toString(),
                "--bind-address", "127.0.0.1", "--secure-port=0",
                "--concurrent-deployment-syncs=5", "--v=0")
                .optional("--port", "0") // the insecure port: on by default before 1.24, gone since
                .build());
        try (KubernetesClient client = newClient()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (client.serviceAccounts().inNamespace("default").withName("default").get() == null) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("kube-controller-manager exited with " + p.exitValue() + ":\n" + logTails());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("kube-controller-manager created no ServiceAccount default/default "
                            + "within 60s:\n" + logTails());
                }
                pause();
            }
        }
        controllers = true;
    }

    private KubeRelease fetchRelease() {
        try (KubernetesClient client = newClient()) {
            return KubeRelease.of(client.getKubernetesVersion());
        }
    }

    /** etcd fsyncs every write; on tmpfs that costs nothing, and test data needs no durability. */
    private Path etcdDataDir() throws IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            etcdShm = Files.createTempDirectory(shm, "capstan-etcd");
            return etcdShm;
        }
        return dir.resolve("etcd");
    }

    private Path etcdShm;

    private Process spawn(String name, List<String> command) throws IOException {
        return processes.spawn(name, command);
    }

    /**
     * Kills {@code component} ("etcd" or "kube-apiserver") with SIGKILL, as a crash or an
     * OOM kill would, after {@code down} starts it again with the same flags, data and port,
     * and returns once the API server answers {@code /readyz} again. For fault tests: every
     * client of this control plane sees the outage.
     */
    public synchronized void crash(String component, Duration down) throws IOException, InterruptedException {
        processes.crash(component, down);
        waitReady();
    }

    private void waitReady() {
        HttpClient http = HttpClient.newBuilder().sslContext(SelfSignedTls.trustAll()).connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            processes.checkAlive();
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/readyz"))
                        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            pause();
        }
        throw new IllegalStateException("kube-apiserver not ready after 90s (" + last + "):\n" + logTails());
    }

    /** Polling a process just started: there is nothing to watch yet. */
    static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String logTails() {
        return processes.logTails();
    }

    private void writeServiceAccountKey() throws IOException {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            KeyPair pair = gen.generateKeyPair();
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            Files.writeString(dir.resolve("sa.key"), pem);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path writeKubeconfig(String name, String server, String bearer) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: test
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                users:
                - name: admin
                  user:
                    token: %s
                contexts:
                - name: test
                  context: {cluster: test, user: admin}
                current-context: test
                """.formatted(server, bearer));
        return file;
    }

    public String url() {
        return "https://" + address + ":" + apiPort;
    }

    /** The address the API server listens on (see {@link #address}). */
    public String address() {
        return address;
    }

    /** The API server's audit log of the agent's identity's requests ({@link AgentAudit}), one JSON event per line. */
    public Path auditLog() {
        return dir.resolve("audit.jsonl");
    }

    /** A kubeconfig file for this control plane (for CLI tests and child processes). */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /** A kubeconfig file of the agent's identity (for agents run as child processes). */
    public Path agentKubeconfig() {
        return agentKubeconfig(url());
    }

    /** The same, for an API server reached at {@code server} (a fault proxy in front of this one). */
    public Path agentKubeconfig(String server) {
        try {
            return writeKubeconfig("agent-kubeconfig-" + Integer.toHexString(server.hashCode()), server, agentConfig().getOauthToken());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The release of the running kube-apiserver, for tests whose expectations differ by release. */
    public KubeRelease release() {
        return release;
    }

    /** Whether kube-controller-manager runs (it does unless CAPSTAN_KUBE_CONTROLLERS=none and it is absent). */
    public boolean hasControllers() {
        return controllers;
    }

    public Duration startTime() {
        return startTime;
    }

    /** A fabric8 client config for this control plane that ignores ~/.kube and the environment. */
    public Config config() {
        return new ConfigBuilder(Config.empty())
                .withMasterUrl(url())
                .withOauthToken(token)
                .withTrustCerts(true)
                .withDisableHostnameVerification(true)
                .withRequestTimeout(30_000)
                .build();
    }

    public KubernetesClient newClient() {
        return new KubernetesClientBuilder().withConfig(config()).build();
    }

    /** A client whose every request is recorded in {@code log}. */
    public KubernetesClient newClient(RequestLog log) {
        return newClient(config(), log);
    }

    /** How the agent under test reaches this control plane: as deploy/'s ServiceAccount ({@link AgentIdentity}). */
    public Config agentConfig() {
        return AgentIdentity.config(this);
    }

    /** A client of the agent's identity whose every request is recorded in {@code log}. */
    public KubernetesClient newAgentClient(RequestLog log) {
        return newClient(agentConfig(), log);
    }

    public static KubernetesClient newClient(Config config, RequestLog log) {
        return new KubernetesClientBuilder().withConfig(config)
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("request-log", log)).build();
    }

    private synchronized void stop() {
        processes.stopAll();
        Path logs = logDir();
        processes.keepLogs(logs);
        AgentAudit.summarize(dir, logs.resolve("agent-requests.txt"));
        deleteTree(dir);
        if (etcdShm != null) {
            deleteTree(etcdShm);
        }
    }

    /**
     * Where this JVM's control-plane logs and audit summary are kept: {@code target/kube-logs/<version>}, or
     * {@code target/kube-logs/<version>/fork-N} when surefire runs several test JVMs, each with a control plane of
     * its own. Both parts keep files apart that would otherwise overwrite each other: CI runs the suite on two
     * releases in one {@code target}, and two forks at once.
     */
    static Path logDir() {
        Path base = Path.of("target", "kube-logs", env("CAPSTAN_KUBE_VERSION", DEFAULT_VERSION));
        String fork = System.getProperty("capstan.fork", "");
        return fork.matches("fork-\\d+|node") ? base.resolve(fork) : base;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a temp dir left behind is harmless
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
