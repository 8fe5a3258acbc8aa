package dev.capstan.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The exported names are a contract (README, alert rules, dashboards): check them in the Prometheus text. */
class CapstanMetricsTest {

    @Test
    void exportsTheDocumentedNames() {
        CapstanMetrics m = new CapstanMetrics();
        m.syncFinished("shop", "succeeded", Duration.ofMillis(1500));
        m.resources("shop", 7, 1, 0);
        m.applyChange("shop", "created", 7);
        m.gitRequest("shop", "ls-remote", true, 2_000_000);
        m.appInfo("shop", "abc1234", "Synced", "Unknown");
        m.appInfo("shop", "def5678", "OutOfSync", "Unknown");
        String text = m.scrape();
        for (String expected : new String[] {
                "capstan_sync_total{app=\"shop\",result=\"succeeded\"} 1.0",
                "capstan_sync_duration_seconds_bucket{app=\"shop\",le=",
                "capstan_sync_duration_seconds_count{app=\"shop\"} 1",
                "capstan_last_sync_timestamp_seconds{app=\"shop\",result=\"succeeded\"}",
                "capstan_resources{app=\"shop\",state=\"in_sync\"} 7.0",
                "capstan_resources{app=\"shop\",state=\"out_of_sync\"} 1.0",
                "capstan_resources{app=\"shop\",state=\"missing\"} 0.0",
                "capstan_apply_changes_total{action=\"created\",app=\"shop\"} 7.0",
                "capstan_git_requests_total{app=\"shop\",op=\"ls-remote\",result=\"success\"} 1.0",
                "capstan_git_request_duration_seconds_count{op=\"ls-remote\"} 1",
                "capstan_app_info{app=\"shop\",health_status=\"Unknown\",revision=\"def5678\",sync_status=\"OutOfSync\"} 1\n"}) {
            assertTrue(text.contains(expected), expected + " missing from:\n" + text);
        }
        assertFalse(text.contains("revision=\"abc1234\""), "the old app_info series is removed");
    }

    @Test
    void exportsTheAgentsOwnJvmAndProcessFamilies() {
        try (CapstanMetrics m = new CapstanMetrics()) {
            String text = m.scrape();
            for (String family : new String[] {"jvm_memory_used_bytes{area=\"heap\"", "jvm_memory_max_bytes{", "jvm_gc_",
                    "jvm_threads_live_threads ", "jvm_classes_loaded_classes ", "process_cpu_seconds_total ",
                    "process_resident_memory_bytes ", "process_open_fds "}) {
                assertTrue(text.contains(family), family + " missing from:\n" + text);
            }
        }
    }

    @Test
    void countsTheAgentsRequestsByVerb() {
        try (CapstanMetrics m = new CapstanMetrics()) {
            java.util.Map<String, java.util.concurrent.atomic.AtomicLong> counts = new java.util.concurrent.ConcurrentHashMap<>();
            m.kubeRequests(counts);
            counts.get("dry-run").addAndGet(3);
            counts.get("patch").incrementAndGet();
            String text = m.scrape();
            assertTrue(text.contains("capstan_kube_requests_total{verb=\"dry-run\"} 3.0"), text);
            assertTrue(text.contains("capstan_kube_requests_total{verb=\"patch\"} 1.0"), text);
            assertTrue(text.contains("capstan_kube_requests_total{verb=\"delete\"} 0.0"), text);
        }
    }

    @Test
    void aRemovedAppLeavesNoSeries() {
        try (CapstanMetrics m = new CapstanMetrics()) {
            m.syncFinished("gone", "succeeded", Duration.ofMillis(10));
            m.appInfo("gone", "abc1234", "Synced", "Healthy");
            m.appHealth("gone", "Healthy");
            m.resources("gone", 1, 0, 0);
            m.removeApp("gone");
            assertFalse(m.scrape().contains("app=\"gone\""), m.scrape());
        }
    }

    @Test
    void theContainerMemoryLimitComesFromTheCgroup(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Files.writeString(tmp.resolve("memory.max"), "536870912\n");
        assertEquals(java.util.OptionalLong.of(536870912), ContainerMemory.limitBytes(tmp));
        java.nio.file.Files.writeString(tmp.resolve("memory.max"), "max\n");
        assertEquals(java.util.OptionalLong.empty(), ContainerMemory.limitBytes(tmp));
        java.nio.file.Files.delete(tmp.resolve("memory.max"));
        java.nio.file.Files.createDirectories(tmp.resolve("memory"));
        java.nio.file.Files.writeString(tmp.resolve("memory/memory.limit_in_bytes"), "9223372036854771712\n");
        assertEquals(java.util.OptionalLong.empty(), ContainerMemory.limitBytes(tmp), "cgroup v1 without a limit");
    }
}
