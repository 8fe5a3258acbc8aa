package dev.capstan.render;

import java.time.Duration;
import java.util.List;

/**
 * Agent-wide settings of the rendering tools (config {@code render.*}).
 *
 * @param kustomizeCommand empty: {@code kustomize} on PATH, else {@code kubectl kustomize}
 * @param enableHelm let kustomizations inflate charts ({@code helmCharts:})
 * @param allowRemoteBases let kustomizations reach remote bases (network during render)
 * @param timeout wall-clock limit of one render
 * @param maxOutputBytes largest render output accepted
 */
public record ToolSettings(List<String> kustomizeCommand, boolean enableHelm, boolean allowRemoteBases, Duration timeout,
                           long maxOutputBytes) {

    public static ToolSettings defaults() {
        return new ToolSettings(List.of(), false, false, Duration.ofSeconds(60), 64L * 1024 * 1024);
    }

    public ToolSettings {
        kustomizeCommand = List.copyOf(kustomizeCommand);
    }

    public ToolSettings withTimeout(Duration t) {
        return new ToolSettings(kustomizeCommand, enableHelm, allowRemoteBases, t, maxOutputBytes);
    }

    public ToolSettings withKustomizeCommand(List<String> command) {
        return new ToolSettings(command, enableHelm, allowRemoteBases, timeout, maxOutputBytes);
    }
}
