package dev.capstan.render;

import java.util.List;
import java.util.stream.Collectors;

/** A render that found errors; carries all of them, not only the first. */
public final class RenderException extends Exception {
    private final List<Problem> problems;

    public RenderException(List<Problem> problems) {
        super(problems.stream().filter(Problem::isError).map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    /** Errors and warnings, sorted by file and line. */
    public List<Problem> problems() {
        return problems;
    }

    public List<Problem> errors() {
        return problems.stream().filter(Problem::isError).toList();
    }
}
