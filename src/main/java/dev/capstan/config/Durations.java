package dev.capstan.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go-style durations as Kubernetes users write them: {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 500ms}. */
public final class Durations {

    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h))+");
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private Durations() {
    }

    /** @throws IllegalArgumentException with a message saying how to write one */
    public static Duration parse(String text) {
        if (text == null || !WHOLE.matcher(text.trim()).matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration; write e.g. 30s, 5m, 1h30m or 500ms");
        }
        double millis = 0;
        Matcher m = PART.matcher(text.trim());
        while (m.find()) {
            double n = Double.parseDouble(m.group(1));
            millis += switch (m.group(2)) {
                case "ms" -> n;
                case "s" -> n * 1000;
                case "m" -> n * 60_000;
                default -> n * 3_600_000;
            };
        }
        return Duration.ofMillis(Math.round(millis));
    }

    /** The shortest Go-style text for a duration: 90s -> 1m30s. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        StringBuilder out = new StringBuilder();
        if (s >= 3600) {
            out.append(s / 3600).append('h');
            s %= 3600;
        }
        if (s >= 60) {
            out.append(s / 60).append('m');
            s %= 60;
        }
        if (s > 0 || out.length() == 0) {
            out.append(s).append('s');
        }
        return out.toString();
    }
}
