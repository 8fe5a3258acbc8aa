package dev.capstan.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The flags a control-plane binary accepts, read from its own {@code --help}. Kubernetes
 * removes flags between releases ({@code kube-controller-manager --port} went in 1.24) and
 * the binaries refuse unknown ones, so the test kit asks each binary instead of keeping a
 * table per release, which would be wrong for the next one.
 */
final class BinaryFlags {

    private static final Pattern FLAG = Pattern.compile("(?m)^\\s*(?:-\\w, )?(--[a-z0-9][a-z0-9-]*)");

    private final Path binary;
    private final Set<String> known;

    private BinaryFlags(Path binary, Set<String> known) {
        this.binary = binary;
        this.known = known;
    }

    static BinaryFlags of(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--help").redirectErrorStream(true).start();
            String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return new BinaryFlags(binary, parse(help));
        } catch (IOException e) {
            throw new UncheckedIOException(binary + " --help failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every {@code --flag} that starts a line of a help text (cobra's, pflag's and etcd's layouts alike). */
    static Set<String> parse(String help) {
        Set<String> flags = new HashSet<>();
        Matcher m = FLAG.matcher(help);
        while (m.find()) {
            flags.add(m.group(1));
        }
        return flags;
    }

    boolean accepts(String flag) {
        return known.contains(flag);
    }

    /** A command line: the binary and the flags it must accept, then optional ones. */
    Command command(String... required) {
        return new Command(required);
    }

    final class Command {
        private final List<String> args = new ArrayList<>();

        private Command(String... required) {
            args.add(binary.toString());
            args.addAll(List.of(required));
        }

        /** Passed only where the binary lists the flag. */
        Command optional(String flag, String value) {
            if (accepts(flag)) {
                args.add(flag + "=" + value);
            }
            return this;
        }

        /** Flags of a feature every supported release has (passed as they are). */
        Command and(List<String> flags) {
            args.addAll(flags);
            return this;
        }

        List<String> build() {
            return List.copyOf(args);
        }
    }
}
