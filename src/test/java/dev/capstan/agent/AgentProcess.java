package dev.capstan.agent;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code capstan run} as a child process of the test JVM, on its class path: an agent as a pod runs it, which a test
 * can kill with SIGKILL. The sync API token is {@link AgentHarness#TOKEN} in {@code SYNC_TOKEN}.
 */
final class AgentProcess {

    private AgentProcess() {
    }

    /** @param jvmOptions heap and compiler options ({@code -Xmx192m}) */
    static Process start(Path config, Path kubeconfig, Path log, Map<String, String> env, String... jvmOptions) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.capstan.Main",
                "run", "--config", config.toString(), "--kubeconfig", kubeconfig.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SYNC_TOKEN", AgentHarness.TOKEN);
        pb.environment().putAll(env);
        return pb.start();
    }
}
