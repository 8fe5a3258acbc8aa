package dev.capstan.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The container's memory limit, as the kernel enforces it (cgroup v2 {@code memory.max},
 * else v1 {@code memory.limit_in_bytes}): what an alert compares the process's resident
 * memory with, since the OOM killer acts on that and not on the JVM's heap.
 */
final class ContainerMemory {

    /** cgroup v1 says "no limit" with a number near 2^63. */
    private static final long UNLIMITED = 1L << 62;

    private ContainerMemory() {
    }

    static OptionalLong limitBytes(Path cgroupRoot) {
        for (Path file : new Path[] {cgroupRoot.resolve("memory.max"), cgroupRoot.resolve("memory").resolve("memory.limit_in_bytes")}) {
            try {
                String text = Files.readString(file).trim();
                if (text.equals("max")) {
                    return OptionalLong.empty();
                }
                long limit = Long.parseLong(text);
                return limit >= UNLIMITED ? OptionalLong.empty() : OptionalLong.of(limit);
            } catch (IOException | NumberFormatException e) {
                // not this cgroup version, or not in a container
            }
        }
        return OptionalLong.empty();
    }
}
