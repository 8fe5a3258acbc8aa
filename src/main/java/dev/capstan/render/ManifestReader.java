package dev.capstan.render;

import dev.capstan.yaml.YamlDocument;
import dev.capstan.yaml.YamlException;
import dev.capstan.yaml.YamlLimits;
import dev.capstan.yaml.YamlReader;
import java.util.List;
import java.util.Map;

/**
 * YAML text to objects, the same way for a file in Git and for what kustomize or Helm
 * printed: multi-document streams, {@code kind: List} expanded, anything that is not an
 * object reported with where it was.
 */
public final class ManifestReader {

    private final YamlLimits limits;

    public ManifestReader(YamlLimits limits) {
        this.limits = limits;
    }

    /**
     * @param file what the objects are attributed to in messages
     * @param keepLines report lines of {@code text}; false for tool output, whose lines mean nothing to the user
     */
    public void read(String text, String file, boolean keepLines, List<RawObject> raws, List<Problem> problems) {
        List<YamlDocument> docs;
        try {
            docs = new YamlReader(limits).readAll(text);
        } catch (YamlException e) {
            problems.add(Problem.error(file, keepLines ? e.line() : 0, "", e.getMessage()));
            return;
        }
        for (YamlDocument doc : docs) {
            expand(doc, doc.value(), file, keepLines, raws, problems);
        }
    }

    @SuppressWarnings("unchecked")
    private static void expand(YamlDocument doc, Object value, String path, boolean keepLines, List<RawObject> raws,
                               List<Problem> problems) {
        int line = keepLines ? doc.lineOf(value) : 0;
        if (value == null && !keepLines) {
            return; // tools print empty documents (a template that rendered to nothing)
        }
        if (!(value instanceof Map<?, ?> map)) {
            problems.add(Problem.error(path, line, "", "document is not a Kubernetes object (expected a map with "
                    + "apiVersion, kind and metadata, found " + describe(value) + ")"));
            return;
        }
        Object kind = map.get("kind");
        if (kind instanceof String k && k.endsWith("List") && map.get("items") instanceof List<?> items) {
            for (Object item : items) {
                expand(doc, item, path, keepLines, raws, problems);
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
}
