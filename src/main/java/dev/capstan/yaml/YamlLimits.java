package dev.capstan.yaml;

/**
 * Bounds on what one manifest file may cost to parse. Without them a small hostile
 * file in a watched repository (a "billion laughs" alias bomb, a deep nesting) could
 * take the whole agent down, and with it every other application it serves.
 *
 * @param maxFileBytes largest file read at all
 * @param maxDocuments documents per file
 * @param maxAliases aliases per document (snakeyaml counts aliases to collections)
 * @param maxNodes scalar, list and map nodes per document after aliases are expanded
 * @param maxDepth nesting depth
 */
public record YamlLimits(long maxFileBytes, int maxDocuments, int maxAliases, int maxNodes, int maxDepth) {

    public static YamlLimits defaults() {
        return new YamlLimits(4L * 1024 * 1024, 1000, 100, 200_000, 100);
    }

    public YamlLimits withMaxFileBytes(long bytes) {
        return new YamlLimits(bytes, maxDocuments, maxAliases, maxNodes, maxDepth);
    }

    public YamlLimits withMaxDocuments(int documents) {
        return new YamlLimits(maxFileBytes, documents, maxAliases, maxNodes, maxDepth);
    }
}
