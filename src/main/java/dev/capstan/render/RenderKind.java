package dev.capstan.render;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How an application path is rendered, chosen by what it holds, as Argo CD and Flux do:
 * a kustomization file means kustomize, a {@code Chart.yaml} means Helm, anything else is
 * a directory of plain manifests. Only the path itself is looked at, so a chart or
 * overlay deeper down is not mistaken for the application.
 */
public enum RenderKind {
    PLAIN, KUSTOMIZE, HELM;

    /** The names kustomize itself accepts, in the order it looks for them. */
    public static final List<String> KUSTOMIZATION_FILES = List.of("kustomization.yaml", "kustomization.yml", "Kustomization");

    public static RenderKind detect(FileTree tree, String appPath) throws IOException {
        return kustomizationFile(tree, appPath).isPresent() ? KUSTOMIZE
                : isFile(tree, child(appPath, "Chart.yaml")) ? HELM : PLAIN;
    }

    /** The kustomization file of a directory, if it is a kustomization. */
    public static Optional<String> kustomizationFile(FileTree tree, String dir) throws IOException {
        for (String name : KUSTOMIZATION_FILES) {
            String path = child(dir, name);
            if (isFile(tree, path)) {
                return Optional.of(path);
            }
        }
        return Optional.empty();
    }

    private static boolean isFile(FileTree tree, String path) throws IOException {
        return tree.entry(path).map(e -> e.type() == FileTree.TreeEntry.Type.FILE).orElse(false);
    }

    static String child(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    /** As shown in the status API and by {@code capstan render}: plain, kustomize or helm. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
