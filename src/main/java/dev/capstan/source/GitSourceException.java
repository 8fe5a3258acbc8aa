package dev.capstan.source;

/** A Git operation failed; the message names the repository (without credentials) and what to check. */
public final class GitSourceException extends Exception {
    public GitSourceException(String message, Throwable cause) {
        super(message, cause);
    }

    public GitSourceException(String message) {
        super(message);
    }
}
