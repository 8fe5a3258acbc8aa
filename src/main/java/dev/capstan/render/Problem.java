package dev.capstan.render;

import java.util.Comparator;

/**
 * One thing wrong with the manifests, located so a person can fix it: printed
 * {@code path[:line]: Kind/ns/name: message} (the object part left out when there is none).
 *
 * @param file path relative to the repository (or directory) root
 * @param line 1-based, 0 when unknown
 * @param object the object's ref as printed, or "" when the problem is with the file
 */
public record Problem(Severity severity, String file, int line, String object, String message) {

    public static final Comparator<Problem> ORDER = Comparator.comparing(Problem::file)
            .thenComparingInt(Problem::line)
            .thenComparing(Problem::object)
            .thenComparing(Problem::message);

    public static Problem error(String file, int line, String object, String message) {
        return new Problem(Severity.ERROR, file, line, object, message);
    }

    public static Problem warning(String file, int line, String object, String message) {
        return new Problem(Severity.WARNING, file, line, object, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(file);
        if (line > 0) {
            s.append(':').append(line);
        }
        s.append(": ");
        if (!object.isEmpty()) {
            s.append(object).append(": ");
        }
        if (severity == Severity.WARNING) {
            s.append("warning: ");
        }
        return s.append(message).toString();
    }
}
