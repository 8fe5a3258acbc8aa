package dev.capstan.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The help layouts of the binaries the kit starts: the flags are read, descriptions are not. */
class BinaryFlagsTest {

    @Test
    void readsCobraHelpOfKubernetesBinaries() {
        String help = """
                Generic flags:

                      --allocate-node-cidrs        Should CIDRs for Pods be allocated and set on the cloud provider.
                      --port int                   DEPRECATED: The port on which to serve unsecured, unauthenticated access. \
                Set to 0 to disable. (default 10252)
                  -h, --help                       help for kube-controller-manager
                      --secure-port int            The port on which to serve HTTPS (default 10257)
                """;
        assertEquals(Set.of("--allocate-node-cidrs", "--port", "--help", "--secure-port"), BinaryFlags.parse(help));
    }

    @Test
    void readsEtcdHelpAndIgnoresFlagsMentionedInProse() {
        String help = """
                Usage:

                  etcd [flags]
                    Start an etcd server.

                Member:
                  --name 'default'
                    Human-readable name for this member, see also --initial-cluster.
                  --logger 'zap'
                    Currently only supports 'zap' for structured logging.
                """;
        assertEquals(Set.of("--name", "--logger"), BinaryFlags.parse(help));
    }
}
