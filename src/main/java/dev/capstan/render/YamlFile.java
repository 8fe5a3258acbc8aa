package dev.capstan.render;

import dev.capstan.yaml.YamlDocument;
import dev.capstan.yaml.YamlException;
import dev.capstan.yaml.YamlLimits;
import dev.capstan.yaml.YamlReader;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** A tool's own file in the repository (a kustomization, a Chart.yaml) read as one YAML map, its problem located. */
final class YamlFile {

    private YamlFile() {
    }

    /** @throws RenderException naming the file (and line) when it is not one valid UTF-8 YAML map */
    static Map<?, ?> readMap(FileTree tree, String file) throws RenderException, IOException {
        try {
            List<YamlDocument> docs = new YamlReader(YamlLimits.defaults()).readAll(PlainRenderer.decodeUtf8(tree.read(file)));
            if (docs.size() == 1 && docs.get(0).value() instanceof Map<?, ?> map) {
                return map;
            }
            throw new RenderException(List.of(Problem.error(file, 0, "", "expected one YAML map")));
        } catch (YamlException e) {
            throw new RenderException(List.of(Problem.error(file, e.line(), "", e.getMessage())));
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new RenderException(List.of(Problem.error(file, 0, "", "file is not valid UTF-8; save it as UTF-8")));
        }
    }
}
