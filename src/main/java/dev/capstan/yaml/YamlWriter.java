package dev.capstan.yaml;

import java.util.List;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * Writes plain Java data as block YAML that kubectl reads back to the same values:
 * strings a YAML 1.1 reader would take for a number or boolean ("0644", "yes") are quoted.
 */
public final class YamlWriter {

    private final Dump dump = new Dump(DumpSettings.builder()
            .setSchema(YamlReader.SCHEMA)
            .setDefaultFlowStyle(FlowStyle.BLOCK)
            .setIndent(2)
            .setIndicatorIndent(0)
            .setWidth(4096)
            .setSplitLines(false)
            .build());

    public String write(Object value) {
        return dump.dumpToString(value);
    }

    /** A multi-document stream: each document starts with {@code ---}. */
    public String writeAll(List<?> values) {
        StringBuilder out = new StringBuilder();
        for (Object value : values) {
            out.append("---\n").append(write(value));
        }
        return out.toString();
    }
}
