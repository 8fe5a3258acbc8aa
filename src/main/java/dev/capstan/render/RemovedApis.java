package dev.capstan.render;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The table of API versions Kubernetes has removed ({@code removed-apis.tsv} beside this
 * class): data, so a new release is a new row, not new code.
 */
public final class RemovedApis {

    private static final RemovedApis BUILT_IN = load();

    private final List<RemovedApi> rows;

    RemovedApis(List<RemovedApi> rows) {
        this.rows = List.copyOf(rows);
    }

    public static RemovedApis builtIn() {
        return BUILT_IN;
    }

    public Optional<RemovedApi> find(String apiVersion, String kind) {
        return rows.stream().filter(r -> r.apiVersion().equals(apiVersion) && r.kind().equals(kind)).findFirst();
    }

    /** The newest release the table knows: the default target when none is given. */
    public KubeVersion newest() {
        return rows.stream().map(RemovedApi::removedIn).max(Comparator.naturalOrder()).orElseThrow();
    }

    public List<RemovedApi> rows() {
        return rows;
    }

    private static RemovedApis load() {
        try (InputStream in = RemovedApis.class.getResourceAsStream("removed-apis.tsv")) {
            if (in == null) {
                throw new IllegalStateException("removed-apis.tsv missing from the classpath");
            }
            List<RemovedApi> rows = new ArrayList<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                rows.add(new RemovedApi(f[0], f[1], KubeVersion.parse(f[2]), f[3]));
            }
            return new RemovedApis(rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
