package dev.capstan.config;

import java.util.List;

/** A configuration file that cannot be used; every problem, each starting with file:line: key.path. */
public final class ConfigException extends Exception {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
