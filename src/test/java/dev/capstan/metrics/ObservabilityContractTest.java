package dev.capstan.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The dashboard and the alert rules may only use metrics Capstan exports: a renamed metric breaks this test, not a pager. */
class ObservabilityContractTest {

    private static final Pattern METRIC = Pattern.compile("\\b(capstan|jvm|process)_[a-z_]+");

    @Test
    void dashboardsAndAlertsUseOnlyExportedMetrics(@org.junit.jupiter.api.io.TempDir Path cgroup) throws Exception {
        Files.writeString(cgroup.resolve("memory.max"), "536870912\n"); // in a container with a memory limit
        CapstanMetrics m = new CapstanMetrics(cgroup);
        System.gc(); // GC pause timers exist from the first collection on
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> m.scrape().contains("jvm_gc_pause_seconds_sum"));
        m.syncFinished("a", "succeeded", Duration.ofSeconds(1));
        m.resources("a", 1, 0, 0);
        m.applyChange("a", "created", 1);
        m.gitRequest("a", "fetch", true, 1);
        m.appInfo("a", "r", "Synced", "Healthy");
        m.appHealth("a", "Healthy");
        m.rollout("a", Duration.ofSeconds(1));
        m.rollback("a", "succeeded");
        m.driftDetected("a", "ConfigMap");
        m.driftCorrected("a", "ConfigMap");
        m.objectHealth("a", java.util.List.of(new dev.capstan.health.ObjectHealth(new dev.capstan.plan.ObjectRef("", "ConfigMap", "n", "c"),
                dev.capstan.health.Health.healthy("exists"))));
        Set<String> exported = new HashSet<>();
        Matcher scraped = Pattern.compile("(?m)^((?:capstan|jvm|process)_[a-z_]+)[{ ]").matcher(m.scrape());
        while (scraped.find()) {
            exported.add(scraped.group(1));
        }
        JsonMapper.builder().build().readTree(Files.readString(Path.of("dashboards/capstan.json"))); // valid JSON
        for (Path file : new Path[] {Path.of("dashboards/capstan.json"), Path.of("deploy/monitoring/prometheusrule.yaml")}) {
            Set<String> unknown = new TreeSet<>();
            Matcher used = METRIC.matcher(Files.readString(file));
            while (used.find()) {
                if (!exported.contains(used.group())) {
                    unknown.add(used.group());
                }
            }
            assertTrue(unknown.isEmpty(), file + " uses metrics Capstan does not export: " + unknown + "\nexported: " + exported);
        }
    }
}
