package dev.capstan.render;

import dev.capstan.yaml.YamlDocument;
import dev.capstan.yaml.YamlException;
import dev.capstan.yaml.YamlReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a directory of plain manifests: every {@code *.yaml}, {@code *.yml} and
 * {@code *.json} below the application path, in path order, multi-document files and
 * {@code kind: List} expanded. Hidden files and directories (a leading '.') are skipped,
 * as CI configuration lives there. Symlinks that leave the application path are refused
 * and never followed, so a repository cannot make the agent read outside what it was
 * given; links inside it are skipped because their targets are rendered where they lie.
 */
public final class PlainRenderer {

    private final RenderOptions options;

    public PlainRenderer(RenderOptions options) {
        this.options = options;
    }

    /**
     * @param appPath directory inside the tree, "" or "." for its root
     * @throws RenderException with every problem found when any is an error
     */
    public ManifestSet render(FileTree tree, String appPath) throws RenderException {
        String root = normalizeDir(appPath);
        List<Problem> problems = new ArrayList<>();
        List<RawObject> raws = new ArrayList<>();
        List<FileTree.TreeEntry> entries;
        try {
            entries = tree.walk(root);
        } catch (FileNotFoundException e) {
            throw new RenderException(List.of(Problem.error(root.isEmpty() ? "." : root, 0, "",
                    "no such directory in " + tree.describe() + "; check the application's path")));
        } catch (IOException e) {
            throw new RenderException(List.of(Problem.error(root.isEmpty() ? "." : root, 0, "",
                    "cannot list " + tree.describe() + ": " + e.getMessage())));
        }
        String unsupported = unsupportedTool(root, entries);
        if (unsupported != null) {
            throw new RenderException(List.of(Problem.error(unsupported, 0, "", unsupportedMessage(unsupported, root))));
        }
        for (FileTree.TreeEntry entry : entries) {
            if (isHidden(root, entry.path())) {
                continue;
            }
            if (entry.type() == FileTree.TreeEntry.Type.SYMLINK) {
                checkLink(root, entry, problems);
            } else if (entry.type() == FileTree.TreeEntry.Type.FILE && isManifestFile(entry.path())) {
                readFile(tree, entry, raws, problems);
            }
        }
        List<Manifest> manifests = new ManifestValidator(options).validate(raws, problems);
        if (problems.stream().anyMatch(Problem::isError)) {
            throw new RenderException(problems.stream().sorted(Problem.ORDER).toList());
        }
        return new ManifestSet(manifests, problems);
    }

    /**
     * A kustomization or Helm chart at the application path: rendering its files as plain
     * YAML would produce a flood of confusing errors (a Kustomization has no name, templates
     * are not YAML), so say what it is instead.
     */
    private static String unsupportedTool(String root, List<FileTree.TreeEntry> entries) {
        for (FileTree.TreeEntry e : entries) {
            if (isHidden(root, e.path())) {
                continue;
            }
            String rel = e.path().substring(e.path().lastIndexOf('/') + 1);
            if (rel.equals("kustomization.yaml") || rel.equals("kustomization.yml") || rel.equals("Kustomization")
                    || rel.equals("Chart.yaml")) {
                return e.path();
            }
        }
        return null;
    }

    private static String unsupportedMessage(String file, String root) {
        String dir = file.contains("/") ? file.substring(0, file.lastIndexOf('/')) : root;
        String where = dir.isEmpty() ? "the application directory" : dir;
        return file.endsWith("Chart.yaml")
                ? where + " is a Helm chart; Capstan renders plain manifests only for now (render the chart with "
                        + "`helm template` into a directory of plain YAML, or point the path at one)"
                : where + " is a kustomization; Capstan renders plain manifests only for now (commit the output of "
                        + "`kustomize build`, or point the path at a directory of plain YAML)";
    }

    static boolean isManifestFile(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        return lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json");
    }

    private static boolean isHidden(String root, String path) {
        String rel = root.isEmpty() ? path : path.substring(root.length() + 1);
        for (String segment : rel.split("/")) {
            if (segment.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static void checkLink(String root, FileTree.TreeEntry link, List<Problem> problems) {
        String target = link.linkTarget() == null ? "" : link.linkTarget();
        String resolved = resolveLink(link.path(), target);
        boolean inside = resolved != null && (root.isEmpty() || resolved.equals(root) || resolved.startsWith(root + "/"));
        if (!inside) {
            problems.add(Problem.error(link.path(), 0, "", "symlink to \"" + target
                    + "\" points outside the application path; refused (copy the file into "
                    + (root.isEmpty() ? "the application directory" : root) + " instead)"));
        }
    }

    /** The link's target as a tree path, or null when it leaves the tree (absolute or too many '..'). */
    static String resolveLink(String linkPath, String target) {
        if (target.startsWith("/") || target.matches("^[A-Za-z]:.*")) {
            return null;
        }
        List<String> parts = new ArrayList<>(List.of(linkPath.split("/")));
        parts.remove(parts.size() - 1);
        for (String seg : target.split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.remove(parts.size() - 1);
            } else {
                parts.add(seg);
            }
        }
        return String.join("/", parts);
    }

    private void readFile(FileTree tree, FileTree.TreeEntry entry, List<RawObject> raws, List<Problem> problems) {
        String path = entry.path();
        if (entry.size() > options.limits().maxFileBytes()) {
            problems.add(Problem.error(path, 0, "", "file is " + entry.size() + " bytes, over the limit of "
                    + options.limits().maxFileBytes() + "; split it or raise render.maxFileBytes"));
            return;
        }
        String text;
        try {
            text = decodeUtf8(tree.read(path));
        } catch (MalformedInputException e) {
            problems.add(Problem.error(path, 0, "", "file is not valid UTF-8; save it as UTF-8"));
            return;
        } catch (IOException e) {
            problems.add(Problem.error(path, 0, "", "cannot read file: " + e.getMessage()));
            return;
        }
        List<YamlDocument> docs;
        try {
            docs = new YamlReader(options.limits()).readAll(text);
        } catch (YamlException e) {
            problems.add(Problem.error(path, e.line(), "", e.getMessage()));
            return;
        }
        for (YamlDocument doc : docs) {
            expand(doc, doc.value(), path, raws, problems);
        }
    }

    @SuppressWarnings("unchecked")
    private static void expand(YamlDocument doc, Object value, String path, List<RawObject> raws, List<Problem> problems) {
        int line = doc.lineOf(value);
        if (!(value instanceof Map<?, ?> map)) {
            problems.add(Problem.error(path, line, "", "document is not a Kubernetes object (expected a map with "
                    + "apiVersion, kind and metadata, found " + describe(value) + ")"));
            return;
        }
        Object kind = map.get("kind");
        if (kind instanceof String k && k.endsWith("List") && map.get("items") instanceof List<?> items) {
            for (Object item : items) {
                expand(doc, item, path, raws, problems);
            }
            return;
        }
        raws.add(new RawObject((Map<String, Object>) map, path, line));
    }

    private static String describe(Object value) {
        if (value instanceof List<?>) {
            return "a list";
        }
        return "a scalar \"" + abbreviate(String.valueOf(value)) + "\"";
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    static String decodeUtf8(byte[] bytes) throws CharacterCodingException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        String text = decoder.decode(ByteBuffer.wrap(bytes)).toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    static String normalizeDir(String appPath) {
        String p = appPath == null ? "" : appPath.replace('\\', '/');
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        p = p.replaceAll("/+", "/").replaceAll("^/|/$", "");
        return p.equals(".") ? "" : p;
    }
}
