package dev.capstan.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the agent's identity ({@link AgentIdentity}) asked the API server for during a test run, from the API server's
 * own audit log: one line per verb, resource and answer, with a count. It is how {@code deploy/rbac.yaml} is checked
 * against use: a rule no line needs can go, and a 403 names the right a narrower role lacks. Only the agent's requests
 * are logged, at Metadata level (no bodies: no secret value reaches the log).
 */
final class AgentAudit {

    private AgentAudit() {
    }

    /** kube-apiserver flags that log the agent's requests to {@code dir/audit.jsonl}. */
    static List<String> flags(Path dir) throws IOException {
        Path policy = dir.resolve("audit-policy.yaml");
        Files.writeString(policy, """
                apiVersion: audit.k8s.io/v1
                kind: Policy
                omitStages: [RequestReceived, ResponseStarted]
                rules:
                - level: Metadata
                  users: ["%s"]
                - level: None
                """.formatted(AgentIdentity.userName()));
        return List.of("--audit-policy-file", policy.toString(), "--audit-log-path", dir.resolve("audit.jsonl").toString());
    }

    /** Writes the summary of {@code dir/audit.jsonl} to {@code out}; nothing when the agent identity was never used. */
    static void summarize(Path dir, Path out) {
        Path log = dir.resolve("audit.jsonl");
        if (!Files.isRegularFile(log)) {
            return;
        }
        JsonMapper json = JsonMapper.builder().build();
        Map<String, Integer> counts = new TreeMap<>();
        try (BufferedReader in = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                counts.merge(key(json.readTree(line)), 1, Integer::sum);
            }
            StringBuilder s = new StringBuilder("# requests of " + AgentIdentity.userName()
                    + " by verb, resource, scope, identity and answer (from the API server's audit log)\n");
            counts.forEach((k, n) -> s.append(String.format("%7d  %s%n", n, k)));
            Files.createDirectories(out.getParent());
            Files.writeString(out, s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String key(JsonNode event) {
        JsonNode ref = event.path("objectRef");
        String resource = ref.isMissingNode() ? event.path("requestURI").asString().replaceAll("\\?.*", "")
                : (ref.path("apiGroup").asString("").isEmpty() ? "" : ref.path("apiGroup").asString() + "/")
                + ref.path("resource").asString()
                + (ref.path("subresource").asString("").isEmpty() ? "" : "/" + ref.path("subresource").asString());
        // a Namespace's own name is its objectRef.namespace: it is cluster-scoped all the same
        boolean namespaced = !ref.path("namespace").asString("").isEmpty() && !"namespaces".equals(ref.path("resource").asString());
        String scope = ref.isMissingNode() ? "url" : namespaced ? "namespaced" : "cluster";
        String as = event.path("impersonatedUser").isMissingNode() ? "agent" : "as " + event.path("impersonatedUser").path("username").asString();
        return String.format("%-7s %-60s %-10s %-40s %d", event.path("verb").asString(), resource, scope, as,
                event.path("responseStatus").path("code").asInt());
    }
}
