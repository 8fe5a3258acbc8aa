package dev.capstan.plan;

import java.util.regex.Pattern;

/**
 * The API server's two name forms (apimachinery's {@code IsDNS1123Label} and
 * {@code IsDNS1123Subdomain}), shared by the renderer's name checks and by
 * {@link ProvablyValid}, so both hold objects to the same rule.
 */
public final class DnsNames {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private DnsNames() {
    }

    /** At most 63 lower-case letters, digits or '-', starting and ending with a letter or digit. */
    public static boolean isLabel(String s) {
        return s.length() <= 63 && LABEL.matcher(s).matches();
    }

    /** Labels joined by '.', at most 253 characters. */
    public static boolean isSubdomain(String s) {
        return s.length() <= 253 && SUBDOMAIN.matcher(s).matches();
    }
}
