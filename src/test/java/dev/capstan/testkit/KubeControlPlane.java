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
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A real Kubernetes control plane for tests: etcd, kube-apiserver and
 * kube-controller-manager as child processes on free 127.0.0.1 ports, started once per
 * test JVM and stopped by a shutdown hook. Binaries come from {@code $CAPSTAN_KUBE_BIN},
 * else {@code $CAPSTAN_KUBE_CACHE/bin}, else {@code /var/cache/capstan-kube/bin} (built by
 * {@code scripts/kube-test-env}). There is no scheduler and no kubelet: see
 * {@link KubeletSimulator}.
 */
public final class KubeControlPlane {

    private static KubeControlPlane instance;
    private static RuntimeException startFailure;

    private final Path dir;
    private final String token;
    private final List<Process> processes = new ArrayList<>();
    private int apiPort;
    private Path kubeconfig;
    private boolean controllers;
    private Duration startTime;

    private KubeControlPlane(Path dir) {
        this.dir = dir;
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

    /** Where the binaries are looked for, and how to get them. */
    static Path binDir() {
        String explicit = System.getenv("CAPSTAN_KUBE_BIN");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String cache = System.getenv("CAPSTAN_KUBE_CACHE");
        return Path.of(cache != null && !cache.isBlank() ? cache : "/var/cache/capstan-kube", "bin");
    }

    private void start() {
        long t0 = System.nanoTime();
        Path bin = binDir();
        for (String b : List.of("etcd", "kube-apiserver")) {
            if (!Files.isExecutable(bin.resolve(b))) {
                throw new IllegalStateException("no " + b + " in " + bin + ": build the test control plane with "
                        + "`sudo scripts/kube-test-env` (Debian/Ubuntu), or point CAPSTAN_KUBE_BIN at a directory "
                        + "holding etcd and kube-apiserver (e.g. kubebuilder envtest's binaries)");
            }
        }
        try {
            int etcdPort = freePort();
            int peerPort = freePort();
            apiPort = freePort();
            writeServiceAccountKey();
            Files.writeString(dir.resolve("tokens.csv"), token + ",admin,admin,system:masters\n");
            spawn("etcd", bin.resolve("etcd").toString(),
                    "--data-dir", etcdDataDir().toString(),
                    "--listen-client-urls", "http://127.0.0.1:" + etcdPort,
                    "--advertise-client-urls", "http://127.0.0.1:" + etcdPort,
                    "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
                    "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
                    "--initial-cluster", "default=http://127.0.0.1:" + peerPort,
                    "--logger", "zap", "--log-level", "warn");
            spawn("kube-apiserver", bin.resolve("kube-apiserver").toString(),
                    "--etcd-servers", "http://127.0.0.1:" + etcdPort,
                    "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1",
                    "--secure-port", String.valueOf(apiPort),
                    "--cert-dir", dir.resolve("certs").toString(),
                    "--token-auth-file", dir.resolve("tokens.csv").toString(),
                    "--authorization-mode", "RBAC",
                    "--service-account-issuer", "https://kubernetes.default.svc",
                    "--service-account-key-file", dir.resolve("sa.key").toString(),
                    "--service-account-signing-key-file", dir.resolve("sa.key").toString(),
                    "--service-cluster-ip-range", "10.96.0.0/24",
                    "--allow-privileged=true",
                    "--v=0");
            waitReady();
            kubeconfig = writeKubeconfig();
            if (Files.isExecutable(bin.resolve("kube-controller-manager"))) {
                spawn("kube-controller-manager", bin.resolve("kube-controller-manager").toString(),
                        "--kubeconfig", kubeconfig.toString(),
                        "--leader-elect=false",
                        "--controllers=*,-nodelifecycle",
                        "--service-account-private-key-file", dir.resolve("sa.key").toString(),
                        "--root-ca-file", dir.resolve("certs/apiserver.crt").toString(),
                        "--bind-address", "127.0.0.1", "--secure-port=0", "--port=0",
                        "--concurrent-deployment-syncs=5", "--v=0");
                controllers = true;
            }
            startTime = Duration.ofNanos(System.nanoTime() - t0);
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            stop();
            throw e;
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

    private void spawn(String name, String... command) throws IOException {
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        processes.add(p);
    }

    private void waitReady() {
        HttpClient http = HttpClient.newBuilder().sslContext(trustAll()).connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a control-plane process exited early:\n" + logTails());
                }
            }
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
            try {
                Thread.sleep(200); // polling a process we just started; there is nothing to watch yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("kube-apiserver not ready after 90s (" + last + "):\n" + logTails());
    }

    private String logTails() {
        StringBuilder s = new StringBuilder();
        try (Stream<Path> logs = Files.list(dir)) {
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                s.append("--- ").append(log.getFileName()).append('\n');
                lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> s.append(l).append('\n'));
            }
        } catch (IOException e) {
            s.append("(logs unreadable: ").append(e).append(")");
        }
        return s.toString();
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

    private Path writeKubeconfig() throws IOException {
        Path file = dir.resolve("kubeconfig");
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
                """.formatted(url(), token));
        return file;
    }

    public String url() {
        return "https://127.0.0.1:" + apiPort;
    }

    /** A kubeconfig file for this control plane (for CLI tests and child processes). */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /** Whether kube-controller-manager runs (envtest binaries have none). */
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
        return new KubernetesClientBuilder().withConfig(config())
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("request-log", log)).build();
    }

    private synchronized void stop() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.destroy();
            try {
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        keepLogs();
        deleteTree(dir);
        if (etcdShm != null) {
            deleteTree(etcdShm);
        }
    }

    /** Control-plane logs survive the run in target/kube-logs, for whoever has to debug a red CI. */
    private void keepLogs() {
        Path target = Path.of("target", "kube-logs");
        try (Stream<Path> logs = Files.list(dir)) {
            Files.createDirectories(target);
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                Files.copy(log, target.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | UncheckedIOException e) {
            // logs are a convenience
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a temp dir left behind is harmless
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static SSLContext trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return ctx;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
