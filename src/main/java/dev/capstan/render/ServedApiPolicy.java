package dev.capstan.render;

import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * Against a live cluster: whether the cluster serves {@code apiVersion}/{@code kind}
 * (from discovery) decides. A removed API the cluster does not serve is an error; one it
 * still serves is a warning naming the release that removes it. Kinds outside the table
 * are left to the apply step, which knows about CRDs created in the same sync.
 *
 * @param served answers "does the cluster serve this apiVersion and kind?"
 */
public record ServedApiPolicy(RemovedApis table, BiPredicate<String, String> served) implements ApiVersionPolicy {

    @Override
    public Optional<Verdict> judge(String apiVersion, String kind) {
        return table.find(apiVersion, kind).map(r -> served.test(apiVersion, kind)
                ? new Verdict(Severity.WARNING, "apiVersion " + apiVersion + " is served by this cluster but removed in Kubernetes "
                        + r.removedIn() + "; use " + r.replacement() + " before upgrading")
                : new Verdict(Severity.ERROR, r.removedMessage() + " (this cluster does not serve it)"));
    }
}
