package dev.capstan.render;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A chart as committed, checked before Helm sees it: its dependencies must be vendored
 * (a render never goes to the network) and its value files must stay in the repository.
 * Each problem names the file and the fix.
 *
 * @param dir the chart's directory in the tree
 * @param dependencies from Chart.yaml (apiVersion v2) or requirements.yaml (v1)
 */
public record HelmChart(String dir, String name, List<Dependency> dependencies) {

    /** @param alias empty when none */
    public record Dependency(String name, String alias, String version, String repository) {
    }

    public static HelmChart read(FileTree tree, String dir) throws RenderException, IOException {
        String chartFile = RenderKind.child(dir, "Chart.yaml");
        Map<?, ?> chart = YamlFile.readMap(tree, chartFile);
        List<Dependency> deps = dependencies(chart);
        String requirements = RenderKind.child(dir, "requirements.yaml");
        if (deps.isEmpty() && tree.entry(requirements).isPresent()) {
            deps = dependencies(YamlFile.readMap(tree, requirements));
        }
        return new HelmChart(dir, chart.get("name") instanceof String n ? n : "", deps);
    }

    private static List<Dependency> dependencies(Map<?, ?> chart) {
        List<Dependency> deps = new ArrayList<>();
        if (chart.get("dependencies") instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> d && d.get("name") instanceof String name) {
                    deps.add(new Dependency(name, string(d.get("alias")), string(d.get("version")), string(d.get("repository"))));
                }
            }
        }
        return deps;
    }

    private static String string(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    /**
     * Declared dependencies that are not in the chart's {@code charts/} directory, as a
     * directory of that chart or a {@code NAME-VERSION.tgz} archive.
     */
    public List<Problem> missingDependencies(FileTree tree) throws IOException {
        List<Problem> problems = new ArrayList<>();
        String chartsDir = RenderKind.child(dir, "charts");
        List<FileTree.TreeEntry> vendored;
        try {
            vendored = tree.walk(chartsDir);
        } catch (java.io.FileNotFoundException e) {
            vendored = List.of();
        }
        for (Dependency d : dependencies) {
            if (!isVendored(tree, chartsDir, vendored, d.name())) {
                String chartPath = dir.isEmpty() ? "." : dir;
                problems.add(Problem.error(RenderKind.child(dir, "Chart.yaml"), 0, "", "dependency \"" + d.name() + "\""
                        + (d.version().isEmpty() ? "" : " " + d.version()) + (d.repository().isEmpty() ? "" : " from " + d.repository())
                        + " is not in " + chartsDir + "/; Capstan renders without network access: run `helm dependency build "
                        + chartPath + "` and commit " + chartsDir + "/"));
            }
        }
        return problems;
    }

    private static boolean isVendored(FileTree tree, String chartsDir, List<FileTree.TreeEntry> vendored, String name)
            throws IOException {
        String prefix = chartsDir + "/";
        for (FileTree.TreeEntry e : vendored) {
            String rel = e.path().substring(prefix.length());
            if (!rel.contains("/") && rel.matches(java.util.regex.Pattern.quote(name) + "-v?\\d.*\\.tgz")) {
                return true;
            }
            if (rel.endsWith("/Chart.yaml") && rel.indexOf('/') == rel.lastIndexOf('/')) {
                String subDir = e.path().substring(0, e.path().length() - "/Chart.yaml".length());
                try {
                    if (read(tree, subDir).name().equals(name)) {
                        return true;
                    }
                } catch (RenderException ignored) {
                    // an unreadable subchart: Helm says what is wrong with it
                }
            }
        }
        return false;
    }

    /**
     * The value files as tree paths, each resolved against the chart directory and
     * refused when it is absolute, a URL, or leads out of the repository (also by a symlink).
     */
    public List<String> valueFiles(FileTree tree, List<String> files, String origin, List<Problem> problems) throws IOException {
        List<String> resolved = new ArrayList<>();
        for (String f : files) {
            String chartRel = f.trim();
            if (chartRel.contains("://")) {
                problems.add(Problem.error(origin, 0, "", "value file \"" + f + "\" is a URL; Capstan renders without "
                        + "network access: commit the file to the repository and name it relative to the chart"));
                continue;
            }
            Optional<String> path = RepoPaths.resolve(dir, chartRel);
            if (path.isEmpty()) {
                problems.add(Problem.error(origin, 0, "", "value file \"" + f + "\" resolves outside the repository; refused "
                        + "(value files are named relative to the chart directory " + (dir.isEmpty() ? "." : dir)
                        + " and must stay inside the repository)"));
                continue;
            }
            RepoPaths.Resolved file = RepoPaths.file(tree, path.get());
            if (!file.found()) {
                problems.add(Problem.error(origin, 0, "", "value file \"" + f + "\" (" + path.get() + "): " + file.problem()));
            } else if (f.contains(",")) {
                problems.add(Problem.error(origin, 0, "", "value file \"" + f + "\": a ',' in a value file's name is not "
                        + "supported; rename the file"));
            } else {
                resolved.add(file.path());
            }
        }
        return resolved;
    }
}
