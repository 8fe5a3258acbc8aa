package dev.capstan.engine;

import dev.capstan.render.KindScopes;
import dev.capstan.render.ManifestSet;
import dev.capstan.render.PlainRenderer;
import dev.capstan.render.Problem;
import dev.capstan.render.RemovedApis;
import dev.capstan.render.RenderException;
import dev.capstan.render.RenderOptions;
import dev.capstan.render.ServedApiPolicy;
import dev.capstan.render.ServedApis;
import dev.capstan.config.ApplicationSpec;
import dev.capstan.render.FileTree;
import dev.capstan.source.RevisionTree;
import java.util.function.Supplier;

/**
 * The one way to turn files at a commit into desired objects: render, validate (against
 * what the cluster serves when a discovery is at hand, else offline against a target
 * release), then prepare each object for apply in apply order. The agent and
 * {@code capstan plan|diff|render} all go through here, so they judge a repository alike.
 */
public final class DesiredStateBuilder implements EnginePorts.Render {

    private final RenderOptions options;
    private final Supplier<? extends ServedApis> discovery;

    /** @param discovery what the cluster serves now (asked at each render: a sync may have added CRDs); null offline */
    public DesiredStateBuilder(RenderOptions options, Supplier<? extends ServedApis> discovery) {
        this.options = options;
        this.discovery = discovery;
    }

    /** Render options with the cluster's discovery applied, when there is one. */
    private RenderOptions options() {
        ServedApis d = discovery == null ? null : discovery.get();
        if (d == null) {
            return options;
        }
        return options.withApiPolicy(new ServedApiPolicy(RemovedApis.builtIn(), d::serves)).withScopes(d.or(KindScopes.BUILT_IN));
    }

    /** Rendered and validated manifests, as files and lines (what {@code capstan render} prints). */
    public ManifestSet manifests(FileTree tree, String path, String defaultNamespace) throws RenderException {
        return new PlainRenderer(options().withDefaultNamespace(defaultNamespace)).render(tree, path);
    }

    @Override
    public DesiredState render(ApplicationSpec app, RevisionTree snapshot) throws RenderException {
        return desired(app.name(), snapshot, app.repo().path(), app.destination().namespace());
    }

    /** @throws IllegalArgumentException for a bad {@code capstan.dev/depends-on} (unreadable, or a cycle) */
    public DesiredState desired(String app, FileTree tree, String path, String defaultNamespace) throws RenderException {
        ManifestSet manifests = manifests(tree, path, defaultNamespace);
        return new DesiredState(DesiredSet.of(app, manifests), manifests.warnings().stream().map(Problem::toString).toList());
    }
}
