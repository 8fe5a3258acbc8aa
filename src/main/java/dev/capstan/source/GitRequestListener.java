package dev.capstan.source;

/** Told of every request GitSource makes to a remote, so metrics can count them. */
@FunctionalInterface
public interface GitRequestListener {

    /**
     * @param op "ls-remote" or "fetch"
     * @param ok whether it succeeded
     */
    void onRequest(String op, boolean ok, long durationNanos);

    GitRequestListener NONE = (op, ok, nanos) -> { };
}
