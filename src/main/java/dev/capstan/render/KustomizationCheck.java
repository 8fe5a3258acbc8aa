package dev.capstan.render;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What Capstan checks before it runs kustomize, over the kustomizations an overlay reaches
 * (its bases and components, recursively): no remote base unless allowed (kustomize would
 * clone it during the render), no base outside the repository, no Helm inflation unless
 * allowed. kustomize's own load restrictor then keeps every other file read inside its
 * kustomization's directory.
 */
public final class KustomizationCheck {

    /** A host-like first segment: github.com/org/repo, gitlab.example.org:2222/x. */
    private static final Pattern HOST_PATH = Pattern.compile("^[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(:\\d+)?/.*");
    private static final List<String> REFERENCE_KEYS = List.of("resources", "bases", "components", "generators",
            "transformers", "validators");

    private final boolean allowRemoteBases;
    private final boolean enableHelm;

    public KustomizationCheck(boolean allowRemoteBases, boolean enableHelm) {
        this.allowRemoteBases = allowRemoteBases;
        this.enableHelm = enableHelm;
    }

    /** Every problem found in the kustomizations reachable from {@code appPath}; empty when kustomize may run. */
    public List<Problem> check(FileTree tree, String appPath) throws IOException {
        List<Problem> problems = new ArrayList<>();
        Deque<String> queue = new ArrayDeque<>(List.of(appPath));
        Set<String> seen = new HashSet<>();
        while (!queue.isEmpty()) {
            String dir = queue.poll();
            if (!seen.add(dir)) {
                continue;
            }
            Optional<String> file = RenderKind.kustomizationFile(tree, dir);
            if (file.isPresent()) {
                checkOne(tree, dir, file.get(), queue, problems);
            }
        }
        return problems;
    }

    private void checkOne(FileTree tree, String dir, String file, Deque<String> queue, List<Problem> problems) throws IOException {
        Map<?, ?> kustomization;
        try {
            kustomization = YamlFile.readMap(tree, file);
        } catch (RenderException e) {
            problems.addAll(e.problems());
            return;
        }
        if (!enableHelm && (kustomization.containsKey("helmCharts") || kustomization.containsKey("helmChartInflationGenerator"))) {
            problems.add(Problem.error(file, 0, "", "helmCharts inflates a Helm chart inside kustomize, which is off by "
                    + "default; set render.kustomize.enableHelm: true in the agent's config, or point the application at "
                    + "the chart itself (Capstan renders charts directly)"));
        }
        for (String key : REFERENCE_KEYS) {
            if (!(kustomization.get(key) instanceof List<?> entries)) {
                continue;
            }
            for (Object entry : entries) {
                if (entry instanceof String ref && !ref.isBlank()) {
                    checkReference(tree, dir, file, key, ref.trim(), queue, problems);
                }
            }
        }
    }

    private void checkReference(FileTree tree, String dir, String file, String key, String ref, Deque<String> queue,
                                List<Problem> problems) throws IOException {
        Optional<String> local = RepoPaths.resolve(dir, ref);
        if (local.isPresent() && RenderKind.kustomizationFile(tree, local.get()).isPresent()) {
            queue.add(local.get());
            return;
        }
        if (local.isPresent() && tree.entry(local.get()).isPresent()) {
            return;
        }
        if (looksRemote(ref)) {
            if (!allowRemoteBases) {
                problems.add(Problem.error(file, 0, "", key + ": \"" + ref + "\" is a remote base; Capstan renders only "
                        + "what the repository holds at the commit, so it is refused: copy it into the repository, or set "
                        + "render.kustomize.allowRemoteBases: true in the agent's config"));
            }
            return;
        }
        if (local.isEmpty()) {
            problems.add(Problem.error(file, 0, "", key + ": \"" + ref + "\" resolves outside the repository; refused "
                    + "(a kustomization may reach other directories of the repository, nothing beyond it)"));
        }
        // a local path that does not exist: kustomize names it in its own error
    }

    /** As kustomize reads a reference it cannot find locally: a URL, an scp-style Git address or host/path. */
    static boolean looksRemote(String ref) {
        return ref.contains("://") || ref.startsWith("git@") || ref.startsWith("git::") || HOST_PATH.matcher(ref).matches()
                || ref.contains("?ref=") || ref.contains("?version=");
    }
}
