package dev.capstan.render;

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

/**
 * Renders a directory of plain manifests: every {@code *.yaml}, {@code *.yml} and
 * {@code *.json} below the application path, in path order, multi-document files and
 * {@code kind: List} expanded. Hidden files and directories (a leading '.') are skipped,
 * as CI configuration lives there. Symlinks that leave the application path are refused
 * and never followed, so a repository cannot make the agent read outside what it was
 * given; links inside it are skipped because their targets are rendered where they lie.
 */
public final class PlainRenderer implements Renderer {

    private final RenderOptions options;

    public PlainRenderer(RenderOptions options) {
        this.options = options;
    }

    /**
     * Renders and validates: what the tests of plain rendering check.
     *
     * @param appPath directory inside the tree, "" or "." for its root
     * @throws RenderException with every problem found when any is an error
     */
    public ManifestSet render(FileTree tree, String appPath) throws RenderException {
        RawRender raw = render(tree, normalizeDir(appPath), null);
        return validate(raw, options);
    }

    /** Validates a render's objects; errors (of the render or of validation) end in a {@link RenderException}. */
    public static ManifestSet validate(RawRender raw, RenderOptions options) throws RenderException {
        List<Problem> problems = new ArrayList<>(raw.problems());
        List<Manifest> manifests = new ManifestValidator(options).validate(raw.objects(), problems);
        if (problems.stream().anyMatch(Problem::isError)) {
            throw new RenderException(problems.stream().sorted(Problem.ORDER).toList());
        }
        return new ManifestSet(manifests, problems, raw.kind());
    }

    @Override
    public RawRender render(FileTree tree, String root, RenderRequest request) throws RenderException {
        List<Problem> problems = new ArrayList<>();
        List<RawObject> raws = new ArrayList<>();
        List<FileTree.TreeEntry> entries;
        try {
            entries = tree.walk(root);
        } catch (FileNotFoundException e) {
            throw new RenderException(List.of(Problem.error(root.isEmpty() ? "." : root, 0, "",
                    "no such directory in " + tree.describe() + "; check the application's path")));
        } catch (IOException e) {
            throw RenderException.transientFailure(Problem.error(root.isEmpty() ? "." : root, 0, "",
                    "cannot list " + tree.describe() + ": " + e.getMessage()));
        }
        String nested = nestedTool(root, entries);
        if (nested != null) {
            throw new RenderException(List.of(Problem.error(nested, 0, "", nestedMessage(nested))));
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
        return new RawRender(RenderKind.PLAIN, raws, problems);
    }

    /**
     * A kustomization or Helm chart below a directory of plain manifests: rendering its
     * files as plain YAML would produce a flood of confusing errors (a Kustomization has no
     * name, templates are not YAML), so say what it is instead.
     */
    private static String nestedTool(String root, List<FileTree.TreeEntry> entries) {
        for (FileTree.TreeEntry e : entries) {
            if (isHidden(root, e.path())) {
                continue;
            }
            int slash = e.path().lastIndexOf('/');
            String name = e.path().substring(slash + 1);
            boolean nestedDeeper = slash > root.length() || (root.isEmpty() && slash > 0);
            if (nestedDeeper && (RenderKind.KUSTOMIZATION_FILES.contains(name) || name.equals("Chart.yaml"))) {
                return e.path();
            }
        }
        return null;
    }

    private static String nestedMessage(String file) {
        String dir = file.substring(0, file.lastIndexOf('/'));
        String what = file.endsWith("Chart.yaml") ? "a Helm chart" : "a kustomization";
        return dir + " is " + what + " inside a directory of plain manifests; Capstan renders a chart or a "
                + "kustomization when the application's path points at it: set the path to " + dir
                + " (or make it one application of its own)";
    }

    public static boolean isManifestFile(String path) {
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
        new ManifestReader(options.limits()).read(text, path, true, raws, problems);
    }

    public static String decodeUtf8(byte[] bytes) throws CharacterCodingException {
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
