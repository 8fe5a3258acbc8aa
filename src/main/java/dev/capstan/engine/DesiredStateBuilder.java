package dev.capstan.engine;

import dev.capstan.config.ApplicationSpec;
import dev.capstan.render.FileTree;
import dev.capstan.render.HelmOptions;
import dev.capstan.render.KindScopes;
import dev.capstan.render.ManifestSet;
import dev.capstan.render.PlainRenderer;
import dev.capstan.render.Problem;
import dev.capstan.render.RemovedApis;
import dev.capstan.render.RenderException;
import dev.capstan.render.RenderOptions;
import dev.capstan.render.RenderRequest;
import dev.capstan.render.Renderers;
import dev.capstan.render.ServedApiPolicy;
import dev.capstan.render.ServedApis;
import dev.capstan.source.RevisionTree;
import java.util.function.Supplier;

/**
 * The one way to turn files at a commit into desired objects: render (plain, kustomize or
 * Helm, by what the path holds; cached per commit), validate (against what the cluster
 * serves when a discovery is at hand, else offline against a target release), then
 * prepare each object for apply in apply order. The agent and {@code capstan
 * plan|diff|render} all go through here, so they judge a repository alike.
 */
public final class DesiredStateBuilder implements EnginePorts.Render {

    private final RenderOptions options;
    private final Renderers renderers;
    private final String offlineKubeVersion;
    private final Supplier<? extends ServedApis> discovery;
    /** Each app's last result: a resync of the same commit against the same discovery is the same desired state. */
    private final java.util.Map<String, Memo> last = new java.util.concurrent.ConcurrentHashMap<>();

    private record Memo(String sha, java.util.Optional<String> treeId, String path, RenderRequest request, ServedApis served,
                        DesiredState state) {

        /**
         * Same settings and discovery, and either the same commit, or (plain manifests, which
         * read nothing outside their path) the same tree at the path: a push elsewhere in a
         * monorepo does not re-render this app.
         */
        boolean answers(String sha, java.util.Optional<String> tree, String path, RenderRequest request, ServedApis served) {
            boolean sameFiles = sha.equals(this.sha)
                    || (state.renderer() == dev.capstan.render.RenderKind.PLAIN && tree.isPresent() && tree.equals(treeId));
            return sameFiles && served == this.served && path.equals(this.path) && request.equals(this.request);
        }
    }

    /**
     * @param offlineKubeVersion the version Helm is told when no cluster says its own (render.kubeVersion)
     * @param discovery what the cluster serves now (asked at each render: a sync may have added CRDs); null offline
     */
    public DesiredStateBuilder(RenderOptions options, Renderers renderers, String offlineKubeVersion,
                               Supplier<? extends ServedApis> discovery) {
        this.options = options;
        this.renderers = renderers;
        this.offlineKubeVersion = offlineKubeVersion;
        this.discovery = discovery;
    }

    private ServedApis served() {
        return discovery == null ? null : discovery.get();
    }

    /** Render options with the cluster's discovery applied, when there is one. */
    private RenderOptions options(ServedApis d) {
        if (d == null) {
            return options;
        }
        return options.withApiPolicy(new ServedApiPolicy(RemovedApis.builtIn(), d::serves)).withScopes(d.or(KindScopes.BUILT_IN));
    }

    /** What a render of {@code app} depends on besides its files, with the cluster's version when known. */
    public RenderRequest request(String app, String namespace, HelmOptions helm) {
        ServedApis d = served();
        String version = d == null ? offlineKubeVersion : d.kubeVersion().orElse(offlineKubeVersion);
        return new RenderRequest(app, namespace, helm, version);
    }

    /** The app is gone: its last desired state is not kept. */
    public void forget(String app) {
        last.remove(app);
    }

    /** Rendered and validated manifests, as files and lines (what {@code capstan render} prints). */
    public ManifestSet manifests(FileTree tree, String path, RenderRequest request) throws RenderException {
        ServedApis d = served();
        return PlainRenderer.validate(renderers.render(tree, path, request), options(d).withDefaultNamespace(request.namespace()));
    }

    /**
     * The desired state of {@code app} at the snapshot's commit. A no-op resync (same commit,
     * same settings, discovery unchanged) gets the previous result back: rendering, validation
     * and preparing the objects are skipped, which is most of an idle pass's CPU. So does a new
     * commit that left a plain app's path untouched ({@link Memo#answers}).
     */
    @Override
    public DesiredState render(ApplicationSpec app, RevisionTree snapshot) throws RenderException {
        RenderRequest request = request(app.name(), app.destination().namespace(), app.helm());
        ServedApis served = served();
        String sha = snapshot.revision().sha();
        java.util.Optional<String> tree = snapshot.treeId(app.repo().path());
        Memo m = last.get(app.name());
        if (m != null && m.answers(sha, tree, app.repo().path(), request, served)) {
            return m.state();
        }
        DesiredState state = desired(snapshot, app.repo().path(), request);
        last.put(app.name(), new Memo(sha, tree, app.repo().path(), request, served, state));
        return state;
    }

    /** @throws IllegalArgumentException for a bad {@code capstan.dev/depends-on} (unreadable, or a cycle) */
    public DesiredState desired(FileTree tree, String path, RenderRequest request) throws RenderException {
        ManifestSet manifests = manifests(tree, path, request);
        return new DesiredState(DesiredSet.of(request.app(), manifests),
                manifests.warnings().stream().map(Problem::toString).toList(), manifests.kind());
    }
}
