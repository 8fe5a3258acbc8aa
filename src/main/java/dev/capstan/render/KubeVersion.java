package dev.capstan.render;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Kubernetes minor release such as 1.25; accepts "1.25", "v1.25.3", "1.25.0-gke.1". */
public record KubeVersion(int major, int minor) implements Comparable<KubeVersion> {

    private static final Pattern FORM = Pattern.compile("v?(\\d+)\\.(\\d+)(?:[.+-].*)?");

    public static KubeVersion parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a Kubernetes version; write it like 1.29");
        }
        return new KubeVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    @Override
    public int compareTo(KubeVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
