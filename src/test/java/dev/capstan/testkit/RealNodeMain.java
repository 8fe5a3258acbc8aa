package dev.capstan.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Runs a control plane with a {@link RealNode} until killed, for {@code scripts/demo}: pods
 * really run and probes really probe. Writes the admin kubeconfig to the path it is given
 * once the node is Ready. Test code: it never ships in capstan.jar. Needs root and the parts
 * {@code scripts/node-test-env} makes.
 */
public final class RealNodeMain {

    private RealNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("capstan.node", "true");
        KubeControlPlane cp = KubeControlPlane.get();
        RealNode.get(cp);
        Path out = Path.of(args[0]);
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        Files.copy(cp.kubeconfig(), tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
        System.err.println("real node " + RealNode.NODE_NAME + " Ready; API server " + cp.url() + " (started in "
                + cp.startTime().toMillis() + " ms); kubeconfig " + out);
        Thread.currentThread().join();
    }
}
