package dev.capstan.source;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.lib.Ref;

/**
 * One {@code ls-remote} per repository and interval, shared by every app that follows it:
 * a monorepo with a hundred apps is asked once, not a hundred times, per poll. Keyed by
 * URL and the identity of the credentials used (apps with different credentials never
 * share an answer). Callers of one key queue behind the request in flight and take its
 * answer, so a start-up burst costs one request too. A failure is shared for a few seconds
 * only ({@link #FAILURE_MAX_AGE}): enough that an unreachable server costs one timeout per
 * burst, not one per app, and short enough that a retry after backoff asks again.
 */
public final class SharedRefs {

    /** The request itself. */
    @FunctionalInterface
    public interface Request {
        Collection<Ref> lsRemote() throws GitSourceException;
    }

    static final Duration FAILURE_MAX_AGE = Duration.ofSeconds(4);

    /** @param startedNanos when its request was sent: it saw every push made before then */
    private record Answer(Collection<Ref> refs, GitSourceException failure, long startedNanos, long atNanos) {
    }

    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /**
     * @param maxAge a scheduled sync reuses an answer younger than this
     * @param notBeforeNanos when a sync was asked for (a manual sync, a push webhook; {@link System#nanoTime()}), else 0:
     *        then only an answer whose request was sent after that moment will do, so every app a push
     *        triggers shares the one request sent after it
     */
    Collection<Ref> refs(String key, Duration maxAge, long notBeforeNanos, Request request) throws GitSourceException {
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            Answer a = answers.get(key);
            Duration keep = a != null && a.failure() != null && FAILURE_MAX_AGE.compareTo(maxAge) < 0 ? FAILURE_MAX_AGE : maxAge;
            boolean usable = a != null && (notBeforeNanos != 0 ? a.startedNanos() - notBeforeNanos >= 0
                    : System.nanoTime() - a.atNanos() < keep.toNanos());
            if (!usable) {
                long started = System.nanoTime();
                try {
                    a = new Answer(request.lsRemote(), null, started, System.nanoTime());
                } catch (GitSourceException e) {
                    a = new Answer(null, e, started, System.nanoTime());
                }
                answers.put(key, a);
            }
            if (a.failure() != null) {
                throw a.failure();
            }
            return a.refs();
        }
    }
}
