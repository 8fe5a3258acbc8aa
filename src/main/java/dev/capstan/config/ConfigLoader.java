package dev.capstan.config;

import dev.capstan.render.HelmOptions;
import dev.capstan.render.KubeVersion;
import dev.capstan.render.RemovedApis;
import dev.capstan.render.ToolSettings;
import dev.capstan.yaml.YamlDocument;
import dev.capstan.yaml.YamlException;
import dev.capstan.yaml.YamlLimits;
import dev.capstan.yaml.YamlReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Loads and checks the agent's config file. Every problem is reported at once with its
 * line and key path ({@code capstan.yaml:7: applications[0].sync.interval: ...}), so a
 * broken config is fixed in one round instead of one error per restart.
 */
public final class ConfigLoader {

    private static final Pattern APP_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern NAMESPACE = APP_NAME;
    static final Pattern SERVICE_ACCOUNT = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

    private ConfigLoader() {
    }

    public static AgentConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException(List.of(file + ": cannot read config file: no such file"));
        } catch (java.nio.file.AccessDeniedException e) {
            throw new ConfigException(List.of(file + ": cannot read config file: permission denied"));
        } catch (java.nio.charset.MalformedInputException e) {
            throw new ConfigException(List.of(file + ": cannot read config file: not valid UTF-8"));
        } catch (IOException e) {
            throw new ConfigException(List.of(file + ": cannot read config file: " + e.getMessage()));
        }
        return parse(file.toString(), text);
    }

    public static AgentConfig parse(String file, String text) throws ConfigException {
        List<YamlDocument> docs;
        try {
            docs = new YamlReader(YamlLimits.defaults()).readAll(text);
        } catch (YamlException e) {
            throw new ConfigException(List.of(file + (e.line() > 0 ? ":" + e.line() : "") + ": " + e.getMessage()));
        }
        if (docs.size() != 1 || !(docs.get(0).value() instanceof Map<?, ?> root)) {
            throw new ConfigException(List.of(file + ": expected one YAML map with server and applications"));
        }
        List<String> problems = new ArrayList<>();
        ConfigNode top = new ConfigNode(file, docs.get(0), "", root, problems);
        top.allowOnly("server", "namespace", "cacheDir", "render", "apply", "leaderElection", "applications",
                "applicationNamespaces", "tenancy", "sharding", "managedNamespaces");
        String namespace = namespace(top, "namespace", "capstan");
        AgentConfig config = new AgentConfig(
                server(top.child("server")),
                namespace,
                Path.of(top.string("cacheDir").orElse("/tmp/capstan-cache")),
                render(top.child("render")),
                apply(top.child("apply")),
                leaderElection(top.child("leaderElection")),
                applications(top),
                namespaceList(top, "applicationNamespaces", namespace),
                tenancy(top.child("tenancy")),
                sharding(top.child("sharding")),
                namespaceList(top, "managedNamespaces", AgentConfig.ALL_NAMESPACES));
        if (config.managedNamespaces().isEmpty()) {
            top.problem("managedNamespaces", "is empty; list the namespaces the agent may deploy to, or \"*\" for all");
        }
        for (ApplicationSpec app : config.managesAllNamespaces() ? List.<ApplicationSpec>of() : config.applications()) {
            if (!config.managedNamespaces().contains(app.destination().namespace())) {
                top.problem("applications", app.name() + ": destination.namespace \"" + app.destination().namespace()
                        + "\" is not in managedNamespaces " + config.managedNamespaces()
                        + "; add it there (and grant the agent a Role in it, see deploy/namespaced/) or deploy to one of them");
            }
        }
        if (config.sharding().enabled() && config.leaderElection().enabled()) {
            top.problem("sharding", "enable sharding or leaderElection, not both: with sharding every replica syncs its share");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    private static AgentConfig.Server server(ConfigNode n) {
        n.allowOnly("port", "tokenFile", "tokenEnv", "webhookSecretFile", "webhookSecretEnv", "readTokenFile", "readTokenEnv",
                "syncRateLimit");
        ConfigNode rate = n.child("syncRateLimit");
        rate.allowOnly("burst", "every");
        if (n.string("readTokenFile").isPresent() && n.string("readTokenEnv").isPresent()) {
            n.problem("readTokenEnv", "set readTokenFile or readTokenEnv, not both");
        }
        return new AgentConfig.Server((int) n.integer("port", 8080, 0, 65535),
                n.string("tokenFile").orElse(null), n.string("tokenEnv").orElse(null),
                n.string("webhookSecretFile").orElse(null), n.string("webhookSecretEnv").orElse(null),
                n.string("readTokenFile").orElse(null), n.string("readTokenEnv").orElse(null),
                (int) rate.integer("burst", 10, 1, 1_000_000), rate.duration("every", Duration.ofSeconds(6), Duration.ofMillis(1)));
    }

    private static AgentConfig.Render render(ConfigNode n) {
        n.allowOnly("kubeVersion", "maxFileBytes", "maxDocuments", "timeout", "maxOutputBytes", "kustomize");
        KubeVersion version = RemovedApis.builtIn().newest();
        if (n.has("kubeVersion")) {
            try {
                version = KubeVersion.parse(n.string("kubeVersion").orElse(""));
            } catch (IllegalArgumentException e) {
                n.problem("kubeVersion", e.getMessage());
            }
        }
        YamlLimits d = YamlLimits.defaults();
        ToolSettings t = ToolSettings.defaults();
        ConfigNode k = n.child("kustomize");
        k.allowOnly("command", "enableHelm", "allowRemoteBases");
        String command = k.string("command").orElse("").trim();
        ToolSettings tools = new ToolSettings(command.isEmpty() ? List.of() : List.of(command.split("\\s+")),
                k.bool("enableHelm", false), k.bool("allowRemoteBases", false),
                n.duration("timeout", t.timeout(), Duration.ofSeconds(1)),
                n.integer("maxOutputBytes", t.maxOutputBytes(), 1024, Integer.MAX_VALUE));
        return new AgentConfig.Render(version,
                n.integer("maxFileBytes", d.maxFileBytes(), 1, Integer.MAX_VALUE),
                (int) n.integer("maxDocuments", d.maxDocuments(), 1, 1_000_000), tools);
    }

    private static AgentConfig.Apply apply(ConfigNode n) {
        n.allowOnly("forceConflicts", "parallelism", "dryRun");
        String dryRun = n.string("dryRun").orElse("unlessProven");
        if (!dryRun.equals("always") && !dryRun.equals("unlessProven")) {
            n.problem("dryRun", "must be unlessProven or always, not \"" + dryRun + "\"");
        }
        return new AgentConfig.Apply(n.bool("forceConflicts", true), (int) n.integer("parallelism", 8, 1, 64),
                !dryRun.equals("always"));
    }

    private static AgentConfig.LeaderElection leaderElection(ConfigNode n) {
        n.allowOnly("enabled", "leaseName", "leaseDuration", "renewDeadline", "retryPeriod");
        Duration lease = n.duration("leaseDuration", Duration.ofSeconds(15), Duration.ofSeconds(2));
        Duration renew = n.duration("renewDeadline", Duration.ofSeconds(10), Duration.ofSeconds(1));
        Duration retry = n.duration("retryPeriod", Duration.ofSeconds(2), Duration.ofMillis(100));
        if (renew.compareTo(lease) >= 0) {
            n.problem("renewDeadline", "must be shorter than leaseDuration");
        }
        return new AgentConfig.LeaderElection(n.bool("enabled", false), n.string("leaseName").orElse("capstan"), lease, renew, retry);
    }

    /** A list of namespaces, {@code ["*"]} for every one; {@code fallback} when the key is absent. */
    private static List<String> namespaceList(ConfigNode top, String key, String fallback) {
        if (!top.has(key)) {
            return List.of(fallback);
        }
        List<String> namespaces = top.stringList(key);
        for (String ns : namespaces) {
            if (!ns.equals(AgentConfig.ALL_NAMESPACES) && (ns.length() > 63 || !NAMESPACE.matcher(ns).matches())) {
                top.problem(key, "\"" + ns + "\" is not a namespace; list namespaces, or \"*\" for all");
            }
        }
        return List.copyOf(namespaces);
    }

    private static AgentConfig.Sharding sharding(ConfigNode n) {
        n.allowOnly("enabled", "leaseDuration", "renewPeriod");
        Duration lease = n.duration("leaseDuration", Duration.ofSeconds(15), Duration.ofSeconds(3));
        Duration renew = n.duration("renewPeriod", Duration.ofSeconds(5), Duration.ofMillis(200));
        if (renew.multipliedBy(2).compareTo(lease) > 0) {
            n.problem("renewPeriod", "must be at most half of leaseDuration, so a live replica never looks lapsed");
        }
        return new AgentConfig.Sharding(n.bool("enabled", false), lease, renew);
    }

    private static AgentConfig.Tenancy tenancy(ConfigNode n) {
        n.allowOnly("defaultServiceAccount");
        String sa = n.string("defaultServiceAccount").orElse(null);
        if (sa != null && !SERVICE_ACCOUNT.matcher(sa).matches()) {
            n.problem("defaultServiceAccount", "\"" + sa + "\" is not a ServiceAccount name (lower-case letters, digits, '-', '.')");
        }
        return new AgentConfig.Tenancy(sa);
    }

    /** An absent or empty list is valid: the agent then serves Application resources only. */
    private static List<ApplicationSpec> applications(ConfigNode top) {
        List<ApplicationSpec> apps = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (ConfigNode n : top.list("applications")) {
            ApplicationSpec app = application(n);
            if (app.name() != null) {
                String first = seen.putIfAbsent(app.name(), n.path("name"));
                if (first != null) {
                    n.problem("name", "duplicate application name \"" + app.name() + "\" (also " + first + "); names must be unique");
                }
            }
            apps.add(app);
        }
        return apps;
    }

    private static ApplicationSpec application(ConfigNode n) {
        n.allowOnly("name", "repo", "destination", "sync", "helm");
        String name = n.requiredString("name");
        if (name != null && !validAppName(name)) {
            n.problem("name", "\"" + name + "\" is not a valid application name: at most 53 lower-case letters, "
                    + "digits or '-', starting and ending with a letter or digit (it is used in labels and object names)");
        }
        if (!n.has("repo")) {
            n.problem("repo", "required");
        }
        return new ApplicationSpec(name, repo(n.child("repo")), destination(n.child("destination"), "default"),
                sync(n.child("sync")), helm(n.child("helm")));
    }

    static boolean validAppName(String name) {
        return name.length() <= 53 && APP_NAME.matcher(name).matches();
    }

    static ApplicationSpec.Repo repo(ConfigNode n) {
        n.allowOnly("url", "ref", "path", "auth", "timeout");
        return repo(n, auth(n.child("auth")));
    }

    /** url, ref and path, checked; the caller reads the credentials its way. */
    static ApplicationSpec.Repo repo(ConfigNode n, ApplicationSpec.Auth auth) {
        String path = n.string("path").orElse("");
        if (path.startsWith("/") || List.of(path.split("/")).contains("..")) {
            n.problem("path", "must be a path inside the repository (no leading '/' and no '..')");
        }
        String url = n.requiredString("url");
        if (url != null && !url.matches("(?i)(https?|git|ssh|file)://.+|[^/@:\\s]+@[^/:\\s]+:.+")) {
            n.problem("url", "\"" + Secrets.redactUrls(url) + "\" is not a repository URL Capstan can use; "
                    + "write https://, http://, git://, ssh:// or file://, or user@host:path");
        }
        return new ApplicationSpec.Repo(url, n.string("ref").orElse("HEAD"), path, auth,
                n.duration("timeout", ApplicationSpec.DEFAULT_GIT_TIMEOUT, Duration.ofSeconds(1)));
    }

    private static ApplicationSpec.Auth auth(ConfigNode a) {
        a.allowOnly("username", "passwordFile", "passwordEnv", "sshKeyFile", "knownHostsFile");
        ApplicationSpec.Auth auth = new ApplicationSpec.Auth(a.string("username").orElse(null),
                a.string("passwordFile").orElse(null), a.string("passwordEnv").orElse(null),
                a.string("sshKeyFile").orElse(null), a.string("knownHostsFile").orElse(null));
        if (auth.passwordFile() != null && auth.passwordEnv() != null) {
            a.problem("passwordEnv", "set passwordFile or passwordEnv, not both");
        }
        return auth;
    }

    static HelmOptions helm(ConfigNode n) {
        n.allowOnly("releaseName", "valueFiles", "values");
        String release = n.string("releaseName").orElse("");
        if (!release.isEmpty() && (release.length() > 53 || !APP_NAME.matcher(release).matches())) {
            n.problem("releaseName", "\"" + release + "\" is not a valid Helm release name: at most 53 lower-case letters, "
                    + "digits or '-', starting and ending with a letter or digit");
        }
        List<String> files = n.stringList("valueFiles");
        for (String f : files) {
            if (f.startsWith("/") || f.contains("://")) {
                n.problem("valueFiles", "\"" + f + "\" must be a path relative to the chart directory, inside the repository");
            }
        }
        Map<String, Object> values = n.map("values");
        return new HelmOptions(release, files, values, List.of());
    }

    static ApplicationSpec.Destination destination(ConfigNode n, String dflt) {
        n.allowOnly("namespace");
        return new ApplicationSpec.Destination(namespace(n, "namespace", dflt));
    }

    private static String namespace(ConfigNode n, String key, String dflt) {
        String ns = n.string(key).orElse(dflt);
        if (ns.length() > 63 || !NAMESPACE.matcher(ns).matches()) {
            n.problem(key, "\"" + ns + "\" is not a valid namespace (DNS-1123 label: lower-case letters, digits, '-')");
        }
        return ns;
    }

    static ApplicationSpec.Sync sync(ConfigNode n) {
        n.allowOnly("interval", "prune", "allowEmpty", "timeout", "rollback", "selfHeal", "ignoreDifferences", "recreate",
                "stableFor");
        // YAML 1.1 reads a bare `off` as false: take it as the "off" the user wrote
        String rollback = n.string("rollback").map(v -> v.equals("false") ? "off" : v).orElse("off");
        if (!rollback.equals("off") && !rollback.equals("onFailure")) {
            n.problem("rollback", "must be onFailure or off, not \"" + rollback + "\"");
        }
        return new ApplicationSpec.Sync(
                n.duration("interval", Duration.ofMinutes(3), Duration.ofSeconds(1)),
                n.bool("prune", false),
                n.bool("allowEmpty", false),
                n.duration("timeout", Duration.ofMinutes(5), Duration.ofSeconds(1)),
                rollback.equals("onFailure"),
                n.bool("selfHeal", false),
                ignoreRules(n),
                n.bool("recreate", false),
                n.duration("stableFor", ApplicationSpec.Sync.DEFAULT_STABLE_FOR, Duration.ZERO));
    }

    private static List<ApplicationSpec.IgnoreRule> ignoreRules(ConfigNode sync) {
        List<ApplicationSpec.IgnoreRule> rules = new ArrayList<>();
        for (ConfigNode r : sync.list("ignoreDifferences")) {
            r.allowOnly("group", "kind", "namespace", "name", "jsonPointers");
            List<String> pointers = r.stringList("jsonPointers");
            if (pointers.isEmpty()) {
                r.problem("jsonPointers", "required: list the fields to ignore, e.g. [/spec/replicas]");
            }
            for (String p : pointers) {
                if (!p.startsWith("/")) {
                    r.problem("jsonPointers", "\"" + p + "\" is not a JSON pointer; write it like /spec/replicas");
                }
            }
            rules.add(new ApplicationSpec.IgnoreRule(r.string("group").orElse(null), r.string("kind").orElse(null),
                    r.string("namespace").orElse(null), r.string("name").orElse(null), pointers));
        }
        return rules;
    }
}
