package dev.capstan.yaml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.Schema;

/**
 * Reads a YAML (or JSON) stream into plain Java data the way kubectl would see it
 * (YAML 1.1 scalars, merge keys, duplicate keys refused unless {@link #lastKeyWins}), within {@link YamlLimits}.
 * Works on snakeyaml-engine's node graph rather than its object constructor so that
 * every value keeps its line and alias expansion can be counted and stopped.
 */
public final class YamlReader {

    /** The schema shared by reader and writer: Kubernetes' YAML 1.1 scalars. */
    public static final Schema SCHEMA = new Schema() {
        @Override
        public org.snakeyaml.engine.v2.resolver.ScalarResolver getScalarResolver() {
            return Yaml11Resolver.INSTANCE;
        }

        @Override
        public Map<Tag, org.snakeyaml.engine.v2.api.ConstructNode> getSchemaTagConstructors() {
            return Map.of();
        }
    };

    private final YamlLimits limits;
    /** Null: a duplicate key is an error. Otherwise the last one wins and this hears (line, key). */
    private final java.util.function.BiConsumer<Integer, String> duplicateKeys;

    public YamlReader(YamlLimits limits) {
        this(limits, null);
    }

    private YamlReader(YamlLimits limits, java.util.function.BiConsumer<Integer, String> duplicateKeys) {
        this.limits = limits;
        this.duplicateKeys = duplicateKeys;
    }

    /**
     * A reader for objects saved from a cluster ({@code kubectl get -o yaml}), which reads a
     * duplicate key as the API server's decoder does: the last one wins. {@code warning}
     * hears the line and key of each, so the caller can say so. Manifests from Git are
     * never read this way: there a duplicate key is a mistake to fix.
     */
    public static YamlReader lastKeyWins(YamlLimits limits, java.util.function.BiConsumer<Integer, String> warning) {
        return new YamlReader(limits, java.util.Objects.requireNonNull(warning));
    }

    /** Every non-empty document of {@code text}; empty documents (only comments, or {@code ---}) are skipped. */
    public List<YamlDocument> readAll(String text) throws YamlException {
        LoadSettings settings = LoadSettings.builder()
                .setSchema(SCHEMA)
                .setMaxAliasesForCollections(limits.maxAliases())
                .setAllowRecursiveKeys(false)
                .setCodePointLimit((int) Math.min(Integer.MAX_VALUE, Math.max(limits.maxFileBytes(), 1)))
                .setUseMarks(true)
                .build();
        List<YamlDocument> docs = new ArrayList<>();
        int count = 0;
        try {
            for (Node node : new Compose(settings).composeAllFromString(text)) {
                if (++count > limits.maxDocuments()) {
                    throw new YamlException(line(node), "more than " + limits.maxDocuments()
                            + " documents in one file; split the file or raise render.maxDocuments");
                }
                Converter converter = new Converter();
                Object value = converter.convert(node, 0);
                if (value != null) {
                    docs.add(new YamlDocument(value, line(node), converter.mapLines));
                }
            }
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(0);
            throw new YamlException(line, "invalid YAML: " + oneLine(e.getProblem()) + contextOf(e));
        } catch (YamlEngineException e) {
            throw new YamlException(0, "invalid YAML: " + oneLine(e.getMessage()));
        } catch (StackOverflowError e) {
            throw new YamlException(0, "invalid YAML: nested too deeply");
        } catch (RuntimeException e) {
            // snakeyaml-engine itself fails on some hostile input (fuzzing found an IndexOutOfBoundsException in its
            // stream reader and an IllegalArgumentException for a tag with spaces): still a refused file, not a crash
            throw new YamlException(0, "invalid YAML: the parser could not read it (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + abbreviate(oneLine(e.getMessage()), 160)) + "); check the file for odd"
                    + " characters or tags");
        }
        return docs;
    }

    private static String contextOf(MarkedYamlEngineException e) {
        String context = e.getContext();
        return context == null || context.isBlank() ? "" : " (" + oneLine(context) + ")";
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }

    static int line(Node node) {
        return node.getStartMark().map(Mark::getLine).map(l -> l + 1).orElse(0);
    }

    /** Turns one document's node graph into maps, lists and scalars, counting expanded nodes. */
    private final class Converter {
        private int nodes;
        private final Map<Object, Integer> mapLines = new java.util.IdentityHashMap<>();

        Object convert(Node node, int depth) throws YamlException {
            if (++nodes > limits.maxNodes()) {
                throw new YamlException(line(node), "document expands to more than " + limits.maxNodes()
                        + " nodes (alias bomb?); refusing to read it");
            }
            if (depth > limits.maxDepth()) {
                throw new YamlException(line(node), "document is nested deeper than " + limits.maxDepth() + " levels");
            }
            if (node instanceof ScalarNode scalar) {
                return scalar(scalar);
            }
            if (node instanceof SequenceNode seq) {
                List<Object> list = new ArrayList<>(seq.getValue().size());
                for (Node item : seq.getValue()) {
                    list.add(convert(item, depth + 1));
                }
                return list;
            }
            MappingNode map = (MappingNode) node;
            Map<String, Object> result = new LinkedHashMap<>();
            mapLines.put(result, line(node));
            // keys that came from a merge (<<) may be overridden by explicit keys, as YAML 1.1 says
            java.util.Set<String> mergedKeys = new java.util.HashSet<>();
            for (NodeTuple tuple : map.getValue()) {
                Node keyNode = tuple.getKeyNode();
                if (keyNode instanceof ScalarNode k && "<<".equals(k.getValue())
                        && k.getScalarStyle() == org.snakeyaml.engine.v2.common.ScalarStyle.PLAIN) {
                    merge(result, mergedKeys, tuple.getValueNode(), depth);
                    continue;
                }
                Object key = convert(keyNode, depth + 1);
                if (!(key instanceof String) && !(key instanceof Number) && !(key instanceof Boolean)) {
                    throw new YamlException(line(keyNode), "map keys must be scalars");
                }
                String name = String.valueOf(key);
                if (result.containsKey(name) && !mergedKeys.contains(name)) {
                    if (duplicateKeys == null) {
                        throw new YamlException(line(keyNode), "duplicate key \"" + name + "\"");
                    }
                    duplicateKeys.accept(line(keyNode), name);
                    result.remove(name); // the last one wins, and takes the last place, as in a JSON decoder
                }
                mergedKeys.remove(name);
                result.put(name, convert(tuple.getValueNode(), depth + 1));
            }
            return result;
        }

        private void merge(Map<String, Object> into, java.util.Set<String> mergedKeys, Node source, int depth) throws YamlException {
            List<Node> sources = source instanceof SequenceNode seq ? seq.getValue() : List.of(source);
            for (Node s : sources) {
                Object value = convert(s, depth + 1);
                if (!(value instanceof Map<?, ?> m)) {
                    throw new YamlException(line(s), "merge key << needs a map or a list of maps");
                }
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    String k = String.valueOf(e.getKey());
                    if (!into.containsKey(k)) {
                        into.put(k, e.getValue());
                        mergedKeys.add(k);
                    }
                }
            }
        }

        private Object scalar(ScalarNode scalar) throws YamlException {
            Tag tag = scalar.getTag();
            String value = scalar.getValue();
            try {
                if (tag.equals(Tag.NULL)) {
                    return null;
                }
                if (tag.equals(Tag.BOOL)) {
                    return Yaml11Resolver.toBoolean(value);
                }
                if (tag.equals(Tag.INT)) {
                    return Yaml11Resolver.toInteger(value);
                }
                if (tag.equals(Tag.FLOAT)) {
                    return Yaml11Resolver.toDouble(value);
                }
            } catch (RuntimeException e) {
                throw new YamlException(line(scalar), "cannot read \"" + value + "\" as " + tag.getValue());
            }
            return value;
        }
    }
}
