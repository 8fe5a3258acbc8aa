package dev.capstan.render;

import java.util.List;
import java.util.stream.Collectors;

/** A render that found errors; carries all of them, not only the first. */
public final class RenderException extends Exception {
    private final List<Problem> problems;
    private final boolean transientFailure;

    public RenderException(List<Problem> problems) {
        this(problems, false);
    }

    private RenderException(List<Problem> problems, boolean transientFailure) {
        super(problems.stream().filter(Problem::isError).map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
        this.transientFailure = transientFailure;
    }

    /**
     * A render that failed for a reason outside the files (a timeout, an I/O error, a tool
     * missing): trying the same commit again may succeed, so it is not cached.
     */
    public static RenderException transientFailure(Problem problem) {
        return new RenderException(List.of(problem), true);
    }

    public boolean isTransient() {
        return transientFailure;
    }

    /** Errors and warnings, sorted by file and line. */
    public List<Problem> problems() {
        return problems;
    }

    public List<Problem> errors() {
        return problems.stream().filter(Problem::isError).toList();
    }
}
