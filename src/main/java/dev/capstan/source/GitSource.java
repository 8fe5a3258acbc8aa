package dev.capstan.source;

import dev.capstan.config.Secrets;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.FetchCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * One application's Git repository. {@link #sync()} costs one ls-remote when nothing
 * changed; a fetch (shallow where the server allows it) happens only for a commit that is
 * not already in the local object store. When the remote fails, the last good snapshot
 * stays available, so the agent keeps serving what it last knew.
 * <p>Not thread-safe by design: each application reconciles on one thread at a time.
 */
public final class GitSource implements RevisionSource, AutoCloseable {

    private static final Pattern FULL_SHA = Pattern.compile("[0-9a-f]{40}");
    private static final String FETCHED = "refs/capstan/fetched";

    private final String url;
    private final String ref;
    private final GitCredentials credentials;
    private final GitRequestListener listener;
    private final int timeoutSeconds;
    private final Repository repo;
    private final SharedStores stores;
    private final SharedStores.Store store;
    private final SshdSessionFactory ssh;
    private final SharedRefs shared;
    private final java.time.Duration refsMaxAge;
    private Snapshot last;
    /** The remote ref the last sync resolved ({@code refs/heads/main}), to deepen history by. */
    private String lastRemoteName;
    private long lsRemotes;
    private long fetches;

    /**
     * @param cacheDir where local object stores live (one bare repository per URL)
     */
    public GitSource(String url, String ref, GitCredentials credentials, Path cacheDir, int timeoutSeconds,
                     GitRequestListener listener) throws GitSourceException {
        this(url, ref, credentials, cacheDir, timeoutSeconds, listener, new SharedRefs(), java.time.Duration.ZERO,
                new SharedStores(), cacheDir);
    }

    /**
     * @param cacheDir this app's own directory (the SSH client's home)
     * @param shared the agent's ls-remote answers, shared by the apps that follow the same repository
     * @param refsMaxAge how old a shared answer may be for a scheduled sync (about the app's interval)
     * @param stores the agent's object stores, one per repository and credentials, under {@code storeRoot}
     */
    public GitSource(String url, String ref, GitCredentials credentials, Path cacheDir, int timeoutSeconds,
                     GitRequestListener listener, SharedRefs shared, java.time.Duration refsMaxAge, SharedStores stores,
                     Path storeRoot) throws GitSourceException {
        this.shared = shared;
        this.refsMaxAge = refsMaxAge;
        this.url = url;
        this.ref = ref == null || ref.isBlank() ? "HEAD" : ref.trim();
        this.credentials = credentials;
        this.listener = listener;
        this.timeoutSeconds = timeoutSeconds;
        validateUrl(url);
        this.ssh = url.startsWith("ssh://") || url.matches("^[^/:@]+@[^/:]+:.*") ? sshFactory(credentials, cacheDir) : null;
        // keyed by the credentials too: a pinned SHA is served from the store without asking the server,
        // so an app must never find objects that only another app's credentials could fetch
        this.stores = stores;
        this.store = stores.acquire(storeRoot.resolve(hash(url + "|" + credentials.identity()) + ".git"));
        this.repo = store.repo();
    }

    /** The repository URL with any user name or password removed, fit for logs and status. */
    public String displayUrl() {
        return Secrets.redactUrls(url);
    }

    /** Resolves the ref, fetches if it points at a commit not yet here, and returns its files. */
    @Override
    public synchronized Snapshot sync() throws GitSourceException {
        return sync(0);
    }

    /**
     * @param notBeforeNanos when a sync was asked for ({@link System#nanoTime()}; a manual sync, a push webhook):
     *        the ref is resolved by an ls-remote sent after it; 0 for a scheduled sync, which may share a recent answer
     */
    @Override
    public synchronized Snapshot sync(long notBeforeNanos) throws GitSourceException {
        RemoteRef resolved = resolveRemote(notBeforeNanos);
        lastRemoteName = resolved.name();
        if (last != null && last.revision().sha().equals(resolved.sha())) {
            return last;
        }
        ObjectId id = ObjectId.fromString(resolved.sha());
        fetchUnlessPresent(id, resolved);
        last = snapshotOf(id);
        return last;
    }

    /**
     * Whether {@code sha} (fetched) has {@code ancestor} in its history: true for a push that
     * moves the ref forward, false for a history that was rewritten (a force-push to an older
     * or another commit, a repository replaced by an unrelated one), empty when it cannot be
     * told within {@link Ancestry#DEPTH} commits. Fetches are shallow, so history is
     * deepened once (to that depth) only when the commits at hand do not settle it: a push of
     * one commit, or a merge, is settled by the new commit's own parents.
     */
    @Override
    public synchronized Optional<Boolean> descendsFrom(String sha, String ancestor) throws GitSourceException {
        if (sha.equals(ancestor)) {
            return Optional.of(true);
        }
        ObjectId start = ObjectId.fromString(sha);
        ObjectId target = ObjectId.fromString(ancestor);
        Optional<Boolean> answer = Ancestry.walk(repo, start, target, displayUrl());
        if (answer.isEmpty() && !FULL_SHA.matcher(ref).matches()) {
            synchronized (store.fetchLock()) {
                // by the ref's name (servers refuse a SHA they do not advertise); if it moved since, its history holds sha's
                fetchOnce(List.of(new RefSpec("+" + (lastRemoteName != null ? lastRemoteName : sha) + ":" + FETCHED)),
                        Ancestry.DEPTH);
            }
            answer = Ancestry.walk(repo, start, target, displayUrl());
        }
        return answer;
    }

    /** A remote ref name (or a bare SHA) and the commit it points at. */
    private record RemoteRef(String name, String sha) {
    }

    /** The snapshot of the last successful {@link #sync()}, if any. */
    public synchronized Optional<Snapshot> lastGood() {
        return Optional.ofNullable(last);
    }

    /** Ls-remote requests sent so far. */
    public synchronized long lsRemoteCount() {
        return lsRemotes;
    }

    /** Fetch requests sent so far. */
    public synchronized long fetchCount() {
        return fetches;
    }

    /**
     * The commit the ref points at now: one ls-remote. A full commit SHA needs none: it
     * cannot move.
     */
    public synchronized Revision resolve() throws GitSourceException {
        return new Revision(ref, resolveRemote(System.nanoTime()).sha(), "", null);
    }

    private RemoteRef resolveRemote(long notBeforeNanos) throws GitSourceException {
        if (FULL_SHA.matcher(ref).matches()) {
            return new RemoteRef(ref, ref);
        }
        Collection<Ref> refs = shared.refs(url + "|" + credentials.identity(), refsMaxAge, notBeforeNanos, this::lsRemote);
        for (String candidate : candidates(ref)) {
            for (Ref r : refs) {
                if (r.getName().equals(candidate)) {
                    ObjectId id = r.getPeeledObjectId() != null ? r.getPeeledObjectId() : r.getObjectId();
                    return new RemoteRef(r.getName(), id.name());
                }
            }
        }
        throw new GitSourceException("ref \"" + ref + "\" not found in " + displayUrl() + " (branches: "
                + names(refs, Constants.R_HEADS) + "; tags: " + names(refs, Constants.R_TAGS)
                + "); check repo.ref" + (ref.matches("[0-9a-f]{4,39}") ? " (a commit must be given as its full 40-character SHA)" : ""));
    }

    /** Git's own lookup order for a short name: exact, refs/, tags, then branches. */
    private static List<String> candidates(String ref) {
        if (ref.equals("HEAD") || ref.startsWith("refs/")) {
            return List.of(ref);
        }
        return List.of("refs/" + ref, Constants.R_TAGS + ref, Constants.R_HEADS + ref);
    }

    private static String names(Collection<Ref> refs, String prefix) {
        List<String> names = refs.stream().map(Ref::getName).filter(n -> n.startsWith(prefix))
                .map(n -> n.substring(prefix.length())).filter(n -> !n.endsWith("^{}")).sorted().limit(10).toList();
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    private Collection<Ref> lsRemote() throws GitSourceException {
        long start = System.nanoTime();
        boolean ok = false;
        lsRemotes++;
        try {
            Collection<Ref> refs = Git.lsRemoteRepository()
                    .setRemote(url)
                    .setHeads(false).setTags(false) // all refs, HEAD included
                    .setTimeout(timeoutSeconds)
                    .setCredentialsProvider(credentials.provider())
                    .setTransportConfigCallback(this::configure)
                    .call();
            ok = true;
            return refs;
        } catch (GitAPIException | RuntimeException e) {
            throw failure("ls-remote", e);
        } finally {
            listener.onRequest("ls-remote", ok, System.nanoTime() - start);
        }
    }

    /**
     * The files of a commit this repository had before (a rollback target): from the
     * local object store, fetched by SHA when the store no longer has it.
     */
    @Override
    public synchronized Snapshot snapshotAt(String sha) throws GitSourceException {
        if (!FULL_SHA.matcher(sha).matches()) {
            throw new GitSourceException("\"" + sha + "\" is not a full commit SHA");
        }
        ObjectId id = ObjectId.fromString(sha);
        fetchUnlessPresent(id, new RemoteRef(sha, sha));
        return snapshotOf(id);
    }

    /** Another app of the same store may have fetched the commit already (the same push): then no fetch at all. */
    private void fetchUnlessPresent(ObjectId id, RemoteRef target) throws GitSourceException {
        if (hasCommit(id)) {
            return;
        }
        synchronized (store.fetchLock()) {
            if (!hasCommit(id)) {
                fetch(target);
            }
        }
    }

    private void fetch(RemoteRef target) throws GitSourceException {
        boolean pinned = FULL_SHA.matcher(target.name()).matches();
        List<RefSpec> specs = List.of(new RefSpec("+" + target.name() + ":" + FETCHED));
        try {
            fetchOnce(specs, 1);
        } catch (GitSourceException shallowRefused) {
            // Dumb HTTP servers cannot serve shallow fetches; servers without
            // allow-reachable-sha1-in-want refuse a SHA: fetch whole branches and tags instead.
            List<RefSpec> fallback = pinned
                    ? List.of(new RefSpec("+refs/heads/*:refs/capstan/heads/*"), new RefSpec("+refs/tags/*:refs/capstan/tags/*"))
                    : specs;
            fetchOnce(fallback, 0);
        }
        if (!hasCommit(ObjectId.fromString(target.sha()))) {
            throw new GitSourceException("commit " + target.sha() + " is not in " + displayUrl()
                    + " (or it moved while fetching); check repo.ref");
        }
    }

    private void fetchOnce(List<RefSpec> specs, int depth) throws GitSourceException {
        long start = System.nanoTime();
        boolean ok = false;
        fetches++;
        try (Git git = Git.wrap(repo)) {
            FetchCommand fetch = git.fetch()
                    .setRemote(url)
                    .setRefSpecs(specs)
                    .setTagOpt(TagOpt.NO_TAGS)
                    .setTimeout(timeoutSeconds)
                    .setCredentialsProvider(credentials.provider())
                    .setTransportConfigCallback(this::configure);
            if (depth > 0) {
                fetch.setDepth(depth);
            }
            fetch.call();
            ok = true;
        } catch (GitAPIException | RuntimeException e) {
            throw failure("fetch", e);
        } finally {
            listener.onRequest("fetch", ok, System.nanoTime() - start);
        }
    }

    private void configure(Transport transport) {
        if (ssh != null && transport instanceof SshTransport sshTransport) {
            sshTransport.setSshSessionFactory(ssh);
        }
    }

    /**
     * An SSH client that uses only the configured key and known_hosts (strict host key
     * checking: an unknown server is refused, never trusted on first use).
     */
    private static SshdSessionFactory sshFactory(GitCredentials credentials, Path cacheDir) {
        Path home = cacheDir.resolve("ssh-home");
        SshdSessionFactoryBuilder builder = new SshdSessionFactoryBuilder()
                .setHomeDirectory(home.toFile())
                .setSshDirectory(home.resolve(".ssh").toFile())
                .setPreferredAuthentications("publickey");
        if (credentials.sshKeyFile() != null) {
            Path key = Path.of(credentials.sshKeyFile());
            builder.setDefaultIdentities(dir -> List.of(key));
        } else {
            Path userSsh = Path.of(System.getProperty("user.home"), ".ssh");
            builder.setSshDirectory(userSsh.toFile());
        }
        if (credentials.knownHostsFile() != null) {
            Path known = Path.of(credentials.knownHostsFile());
            builder.setDefaultKnownHostsFiles(dir -> List.of(known));
        } else {
            Path known = Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
            builder.setDefaultKnownHostsFiles(dir -> List.of(known));
        }
        return builder.build(null);
    }

    private boolean hasCommit(ObjectId id) {
        try (RevWalk walk = new RevWalk(repo)) {
            walk.parseCommit(id);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Snapshot snapshotOf(ObjectId id) throws GitSourceException {
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit commit = walk.parseCommit(id);
            Revision full = new Revision(ref, id.name(), commit.getShortMessage(),
                    Instant.ofEpochSecond(commit.getCommitTime()));
            return new Snapshot(repo, commit.getTree(), full, displayUrl());
        } catch (IOException e) {
            throw new GitSourceException("cannot read commit " + id.name() + " from the local cache: " + e.getMessage(), e);
        }
    }

    private GitSourceException failure(String op, Exception e) {
        StringBuilder causes = new StringBuilder();
        for (Throwable t = e; t != null && causes.length() < 400; t = t.getCause()) {
            if (t.getMessage() != null && !causes.toString().contains(t.getMessage())) {
                causes.append(causes.length() == 0 ? "" : ": ").append(t.getMessage());
            }
        }
        String msg = Secrets.redactUrls(causes.toString().replace(url, displayUrl()));
        return new GitSourceException("git " + op + " " + displayUrl() + " failed: " + msg + FailureHint.of(msg), null);
    }


    private static void validateUrl(String url) throws GitSourceException {
        try {
            URIish uri = new URIish(url);
            String scheme = uri.getScheme();
            if (scheme != null && !List.of("https", "http", "git", "ssh", "file").contains(scheme)) {
                throw new GitSourceException("unsupported repository URL scheme \"" + scheme + "\" in " + Secrets.redactUrls(url)
                        + "; use https://, http://, git://, ssh:// or file://");
            }
        } catch (URISyntaxException e) {
            throw new GitSourceException("invalid repository URL " + Secrets.redactUrls(url) + ": " + e.getReason());
        }
    }

    private static String hash(String url) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stores.release(store);
        if (ssh != null) {
            ssh.close();
        }
    }
}
