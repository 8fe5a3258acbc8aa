package dev.capstan.yaml;

/** A document that cannot be read; {@link #line()} is 1-based, or 0 when unknown. */
public final class YamlException extends Exception {
    private final int line;

    public YamlException(int line, String message) {
        super(message);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
