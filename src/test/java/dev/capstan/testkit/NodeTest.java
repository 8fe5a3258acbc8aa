package dev.capstan.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that runs on the {@link RealNode}: pods run in containerd, probes are the kubelet's.
 * These run in surefire's {@code real-node} execution (a JVM of their own, after {@code package}, as root),
 * not in the simulator's JVMs.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RealNodeCheck.class)
@ExtendWith(KubeExtension.class)
@Tag("node")
public @interface NodeTest {
}
