package dev.capstan.yaml;

import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;

/**
 * Resolves plain scalars the way Kubernetes does (sigs.k8s.io/yaml, i.e. YAML 1.1 rules),
 * not by YAML 1.2: {@code defaultMode: 0644} is the octal 420 that kubectl sends, and
 * {@code yes}/{@code on} are booleans. Reading a manifest with 1.2 rules would silently
 * change what the cluster receives; writing with them would drop the quotes a 1.1 reader needs.
 */
public final class Yaml11Resolver implements ScalarResolver {

    public static final Yaml11Resolver INSTANCE = new Yaml11Resolver();

    private static final Pattern BOOL = Pattern.compile(
            "y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF");
    private static final Pattern NULL = Pattern.compile("~|null|Null|NULL|");
    private static final Pattern INT = Pattern.compile(
            "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+");
    // go-yaml v2's float rule (what kubectl's parser applies), plus YAML 1.1 infinities and NaN.
    private static final Pattern FLOAT = Pattern.compile(
            "[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                    + "|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)");

    private Yaml11Resolver() {
    }

    @Override
    public Tag resolve(String value, Boolean implicit) {
        if (!implicit) {
            return Tag.STR;
        }
        if (NULL.matcher(value).matches()) {
            return Tag.NULL;
        }
        if (BOOL.matcher(value).matches()) {
            return Tag.BOOL;
        }
        if (INT.matcher(value).matches()) {
            return Tag.INT;
        }
        if (FLOAT.matcher(value).matches()) {
            return Tag.FLOAT;
        }
        return Tag.STR;
    }

    /** Parses a scalar resolved as {@link Tag#BOOL}. */
    public static boolean toBoolean(String value) {
        char c = Character.toLowerCase(value.charAt(0));
        return c == 'y' || c == 't' || value.equalsIgnoreCase("on");
    }

    /** Parses a scalar resolved as {@link Tag#INT}; returns Long, or BigInteger when it does not fit. */
    public static Number toInteger(String value) {
        String v = value.replace("_", "");
        int sign = 1;
        if (v.startsWith("-")) {
            sign = -1;
            v = v.substring(1);
        } else if (v.startsWith("+")) {
            v = v.substring(1);
        }
        java.math.BigInteger n;
        if (v.contains(":")) {
            n = java.math.BigInteger.ZERO;
            for (String part : v.split(":")) {
                n = n.multiply(java.math.BigInteger.valueOf(60)).add(new java.math.BigInteger(part));
            }
        } else if (v.startsWith("0b")) {
            n = new java.math.BigInteger(v.substring(2), 2);
        } else if (v.startsWith("0x")) {
            n = new java.math.BigInteger(v.substring(2), 16);
        } else if (v.length() > 1 && v.startsWith("0")) {
            n = new java.math.BigInteger(v.substring(1), 8);
        } else {
            n = new java.math.BigInteger(v);
        }
        if (sign < 0) {
            n = n.negate();
        }
        return n.bitLength() < 64 ? (Number) n.longValue() : n;
    }

    /** Parses a scalar resolved as {@link Tag#FLOAT}. */
    public static double toDouble(String value) {
        String v = value.replace("_", "");
        String lower = v.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".inf")) {
            return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (lower.equals(".nan")) {
            return Double.NaN;
        }
        if (v.contains(":")) {
            String[] parts = v.replaceFirst("^[-+]", "").split(":");
            double n = 0;
            for (String part : parts) {
                n = n * 60 + Double.parseDouble(part);
            }
            return v.startsWith("-") ? -n : n;
        }
        return Double.parseDouble(v);
    }
}
