package dev.capstan.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * The agent's container image, built from the repository's Dockerfile with podman as a user would build it, and
 * imported into the {@link RealNode}'s containerd. No registry is reachable here, so the build takes the prebuilt
 * stages the Dockerfile offers ({@code JAR_STAGE=prebuilt}: target/capstan.jar from {@code package};
 * {@code KUSTOMIZE_STAGE=prebuilt}: the pinned kustomize that {@code scripts/render-tools} built) and a JRE base
 * made from Debian's packages by {@code scripts/node-test-env} ({@code JRE_IMAGE}). Everything after the base
 * (the user, the cache directory, the entrypoint) is the Dockerfile's own.
 */
public final class AgentImage {

    /** Where deploy/ is pointed by an overlay's {@code images:}. */
    public static final String NAME = "localhost/capstan";
    public static final String TAG = "e2e";
    private static final String JRE = "localhost/capstan-test/jre:17";
    private static final Duration BUILD_LIMIT = Duration.ofMinutes(10);

    private static Duration buildTime;

    private AgentImage() {
    }

    /** Builds the image (once per JVM) and imports it into the node; returns how long the build took. */
    public static synchronized Duration buildInto(RealNode node) throws IOException {
        if (buildTime != null) {
            return buildTime;
        }
        long t0 = System.nanoTime();
        Path jar = Path.of("target", "capstan.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no target/capstan.jar: the real-node tests run after package (mvn -B verify)");
        }
        Path kustomize = onPath("kustomize");
        Files.createDirectories(Path.of("target", "image"));
        Files.copy(kustomize, Path.of("target", "image", "kustomize"), StandardCopyOption.REPLACE_EXISTING);
        if (Commands.run(List.of("podman", "image", "exists", JRE), Duration.ofMinutes(1)).exit() != 0) {
            Commands.check(List.of("podman", "import", RealNode.images().resolve("jre-rootfs.tar").toString(), JRE), BUILD_LIMIT);
        }
        Commands.check(List.of("podman", "build", "--quiet", "--build-arg", "JAR_STAGE=prebuilt", "--build-arg", "KUSTOMIZE_STAGE=prebuilt",
                "--build-arg", "JRE_IMAGE=" + JRE, "-t", NAME + ":" + TAG, "."), BUILD_LIMIT);
        Path archive = Path.of("target", "image", "capstan-image.tar");
        Files.deleteIfExists(archive);
        Commands.check(List.of("podman", "save", "--format", "oci-archive", "-o", archive.toString(), NAME + ":" + TAG), BUILD_LIMIT);
        node.importImage(archive);
        Files.delete(archive);
        buildTime = Duration.ofNanos(System.nanoTime() - t0);
        return buildTime;
    }

    private static Path onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException("no " + name + " on PATH: export PATH=\"$(sudo scripts/render-tools):$PATH\"");
    }
}
