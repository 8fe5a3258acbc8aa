package dev.capstan.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Secrets named in the config, never written in it: read from a file (a mounted
 * Kubernetes Secret, re-read at each use so a rotation applies without a restart) or
 * from an environment variable. Callers decide what a missing secret means.
 */
public final class Secrets {

    private static final Pattern USERINFO = Pattern.compile("(?<=://)[^/@\\s]+@");

    private Secrets() {
    }

    /** Removes user name and password (or a token used as one) from every URL in {@code text}, for logs and status. */
    public static String redactUrls(String text) {
        return USERINFO.matcher(text).replaceAll("");
    }

    /**
     * @return the secret, stripped; empty when neither is configured or the variable is unset or empty
     * @throws IOException when the file is configured but cannot be read
     */
    public static Optional<String> read(String file, String envVar, Map<String, String> env) throws IOException {
        if (file != null) {
            return Optional.of(Files.readString(Path.of(file), StandardCharsets.UTF_8).strip());
        }
        return envVar == null ? Optional.empty()
                : Optional.ofNullable(env.get(envVar)).map(String::strip).filter(v -> !v.isEmpty());
    }
}
