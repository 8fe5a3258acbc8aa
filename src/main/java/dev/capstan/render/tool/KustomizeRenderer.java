package dev.capstan.render.tool;

import dev.capstan.render.FileTree;
import dev.capstan.render.KustomizationCheck;
import dev.capstan.render.ManifestReader;
import dev.capstan.render.Problem;
import dev.capstan.render.RawObject;
import dev.capstan.render.RawRender;
import dev.capstan.render.RenderException;
import dev.capstan.render.RenderKind;
import dev.capstan.render.RenderRequest;
import dev.capstan.render.Renderer;
import dev.capstan.render.ToolSettings;
import dev.capstan.yaml.YamlLimits;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a kustomization with the real kustomize (never a re-implementation, so output
 * matches what users get from {@code kustomize build}), locked down as Flux does: the
 * load restrictor keeps files inside their kustomization, plugins never run, Helm
 * inflation and remote bases only when the agent's config allows them. The repository is
 * copied to a private directory first, as overlays reach {@code ../base}.
 */
public final class KustomizeRenderer implements Renderer {

    private static final int MAX_ERROR_CHARS = 1500;

    private final ToolSettings settings;
    private final Map<String, String> agentEnv;

    public KustomizeRenderer(ToolSettings settings, Map<String, String> agentEnv) {
        this.settings = settings;
        this.agentEnv = Map.copyOf(agentEnv);
    }

    @Override
    public RawRender render(FileTree tree, String appPath, RenderRequest request) throws RenderException {
        String file;
        try {
            file = RenderKind.kustomizationFile(tree, appPath).orElseThrow();
            List<Problem> refused = new KustomizationCheck(settings.allowRemoteBases(), settings.enableHelm()).check(tree, appPath);
            if (!refused.isEmpty()) {
                throw new RenderException(refused);
            }
        } catch (IOException e) {
            throw RenderException.transientFailure(Problem.error(appPath.isEmpty() ? "." : appPath, 0, "",
                    "cannot read " + tree.describe() + ": " + e.getMessage()));
        }
        try (Workspace ws = Workspace.of(tree)) {
            Path dir = ws.repo().resolve(appPath);
            ToolProcess.Result result = ToolProcess.run(command(dir), ws.repo(), environment(ws), settings.timeout(),
                    settings.maxOutputBytes());
            if (result.exitCode() != 0) {
                throw new RenderException(List.of(Problem.error(file, 0, "", "kustomize build failed: "
                        + trim(ws.relativize(result.stderr())))));
            }
            List<RawObject> raws = new ArrayList<>();
            List<Problem> problems = new ArrayList<>();
            new ManifestReader(outputLimits(settings)).read(result.stdout(), file, false, raws, problems);
            if (problems.stream().anyMatch(Problem::isError)) {
                throw new RenderException(problems);
            }
            return new RawRender(RenderKind.KUSTOMIZE, raws, problems);
        } catch (ToolProcess.Exceeded e) {
            throw RenderException.transientFailure(Problem.error(file, 0, "", "kustomize build " + e.getMessage()));
        } catch (IOException e) {
            throw RenderException.transientFailure(Problem.error(file, 0, "", "cannot run kustomize (" + String.join(" ",
                    baseCommand()) + "): " + e.getMessage() + "; install kustomize, or set render.kustomize.command"));
        }
    }

    static YamlLimits outputLimits(ToolSettings settings) {
        return YamlLimits.defaults().withMaxFileBytes(settings.maxOutputBytes()).withMaxDocuments(100_000);
    }

    /** The kustomize to run: configured, else {@code kustomize} on PATH, else {@code kubectl kustomize}. */
    List<String> baseCommand() {
        if (!settings.kustomizeCommand().isEmpty()) {
            return settings.kustomizeCommand();
        }
        String path = agentEnv.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String exe : List.of("kustomize", "kubectl")) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, exe);
                if (Files.isExecutable(candidate)) {
                    return List.of(candidate.toString());
                }
            }
        }
        return List.of("kustomize");
    }

    private List<String> command(Path dir) {
        List<String> cmd = new ArrayList<>(baseCommand());
        if (cmd.size() == 1) {
            cmd.add(Path.of(cmd.get(0)).getFileName().toString().startsWith("kubectl") ? "kustomize" : "build");
        }
        cmd.add(dir.toString());
        cmd.add("--load-restrictor=LoadRestrictionsRootOnly");
        if (settings.enableHelm()) {
            cmd.add("--enable-helm");
        }
        return cmd;
    }

    /**
     * Not the agent's environment: only PATH, a private HOME and, unless remote bases are
     * allowed, proxies that lead nowhere and Git with no protocol, so a base that slipped
     * past the check still cannot be fetched.
     */
    private Map<String, String> environment(Workspace ws) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", agentEnv.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        Path home = ws.scratch();
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.toString());
        env.put("KUSTOMIZE_PLUGIN_HOME", home.resolve("no-plugins").toString());
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        if (settings.allowRemoteBases()) {
            for (String k : List.of("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy")) {
                if (agentEnv.containsKey(k)) {
                    env.put(k, agentEnv.get(k));
                }
            }
        } else {
            for (String k : List.of("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")) {
                env.put(k, "http://127.0.0.1:1");
            }
            env.put("GIT_ALLOW_PROTOCOL", "none");
        }
        return env;
    }

    /** kustomize's error without its "Error: " prefix, usage text or our temp paths, and short enough for a status line. */
    static String trim(String stderr) {
        StringBuilder kept = new StringBuilder();
        for (String line : stderr.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("Usage:") || l.startsWith("Flags:") || l.startsWith("--") || l.startsWith("-h,")) {
                continue;
            }
            if (l.startsWith("Error: ") || l.startsWith("error: ")) {
                l = l.substring(7);
            }
            kept.append(kept.length() == 0 ? "" : "; ").append(l);
        }
        String s = kept.toString();
        return s.length() > MAX_ERROR_CHARS ? s.substring(0, MAX_ERROR_CHARS) + " ..." : s;
    }
}
