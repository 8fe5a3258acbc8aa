package dev.capstan.agent;

import dev.capstan.config.ApplicationSpec;
import dev.capstan.engine.Reconciler;
import dev.capstan.plan.ObjectRef;
import dev.capstan.source.GitSource;
import dev.capstan.source.GitSourceException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The applications the agent runs right now, config-file apps and Application resources
 * alike: added, replaced (a changed definition gets a fresh sync loop) and removed while
 * the agent runs. Sync loops run only while this replica leads.
 */
final class Apps implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Apps.class);

    /** Builds what one app's loop needs. */
    interface Factory {
        Running build(AppDefinition definition) throws GitSourceException;
    }

    record Running(AppDefinition definition, GitSource source, Reconciler reconciler) {
    }

    /** Who follows an app between syncs, told when it goes away. */
    interface Removal {
        void removed(String key);
    }

    /** Told before an app's loop starts here. */
    interface Start {
        void starting(String key);
    }

    private final Factory factory;
    private final StatusRecorder recorder;
    private final Removal removal;
    private final Start start;
    private final Map<String, Running> running = new LinkedHashMap<>();
    private final Map<String, AppRunner> runners = new java.util.concurrent.ConcurrentHashMap<>();
    private boolean leading;
    /** With sharding, the apps this replica may run; null: all of them. */
    private Set<String> allowed;

    /** @param start told before an app's loop starts on this replica (what another replica wrote is read afresh) */
    Apps(Factory factory, StatusRecorder recorder, Removal removal, Start start) {
        this.start = start;
        this.factory = factory;
        this.recorder = recorder;
        this.removal = removal;
    }

    /**
     * Adds the app, or replaces it when its definition changed; returns whether anything changed.
     *
     * @throws GitSourceException when its repository cannot be set up (the app it replaces keeps running)
     */
    synchronized boolean put(AppDefinition definition) throws GitSourceException {
        Running old = running.get(definition.key());
        if (old != null && old.definition().sameAs(definition)) {
            return false;
        }
        recorder.register(definition.spec(), definition.resource());
        Running r;
        try {
            r = factory.build(definition);
        } catch (GitSourceException e) {
            if (old == null) {
                recorder.remove(definition.key());
            }
            throw e;
        }
        if (old != null) {
            stopOne(old);
        }
        running.put(definition.key(), r);
        if (leading && (allowed == null || allowed.contains(definition.key()))) {
            startOne(r);
        }
        LOG.info("app={}: {} ({})", definition.key(), old == null ? "added" : "updated",
                definition.resource() == null ? "config file" : definition.resource());
        return true;
    }

    /** Stops the app's loop and forgets it; its objects stay where they are. */
    synchronized boolean remove(String key) {
        Running r = running.remove(key);
        if (r == null) {
            return false;
        }
        stopOne(r);
        recorder.remove(key);
        removal.removed(key);
        LOG.info("app={}: removed", key);
        return true;
    }

    synchronized Optional<AppDefinition> get(String key) {
        return Optional.ofNullable(running.get(key)).map(Running::definition);
    }

    synchronized List<ApplicationSpec> specs() {
        List<ApplicationSpec> specs = new ArrayList<>();
        running.values().forEach(r -> specs.add(r.definition().spec()));
        return specs;
    }

    synchronized int size() {
        return running.size();
    }

    /** This replica leads (or there is no election): run every app's loop. */
    synchronized void lead() {
        if (!leading) {
            leading = true;
            allowed = null;
            running.values().forEach(this::startOne);
        }
    }

    /** Sharding: run exactly these apps here, stopping the others; apps added later start only when allowed. */
    synchronized void runOnly(Set<String> keys) {
        leading = true;
        allowed = Set.copyOf(keys);
        for (String key : Set.copyOf(runners.keySet())) {
            if (!keys.contains(key)) {
                runners.remove(key).close();
            }
        }
        for (String key : keys) {
            Running r = running.get(key);
            if (r != null && !runners.containsKey(key)) {
                startOne(r);
            }
        }
    }

    synchronized Set<String> keys() {
        return Set.copyOf(running.keySet());
    }

    /** Another replica took over: stop syncing at once. */
    synchronized void standBy() {
        if (leading) {
            leading = false;
            runners.values().forEach(AppRunner::close);
            runners.clear();
        }
    }

    synchronized boolean leading() {
        return leading;
    }

    /** Whether this replica runs the app's loop now. */
    boolean runs(String key) {
        return runners.containsKey(key);
    }

    /** @param manual asked for by a person, not by a push: hooks run again, a held revision is retried */
    void trigger(String key, boolean manual) {
        AppRunner r = runners.get(key);
        if (r != null) {
            r.trigger(manual);
        }
    }

    void heal(String key, ObjectRef ref) {
        AppRunner r = runners.get(key);
        if (r != null) {
            r.heal(ref);
        }
    }

    private void startOne(Running r) {
        start.starting(r.definition().key());
        AppRunner runner = new AppRunner(r.reconciler(), recorder, r.definition().spec().sync().interval());
        runners.put(r.definition().key(), runner);
        runner.start();
    }

    private void stopOne(Running r) {
        AppRunner runner = runners.remove(r.definition().key());
        if (runner != null) {
            runner.close();
        }
        r.source().close();
    }

    @Override
    public synchronized void close() {
        standBy();
        running.values().forEach(r -> r.source().close());
        running.clear();
    }
}
