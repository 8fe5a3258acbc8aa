package dev.capstan.render;

import java.util.Optional;

/**
 * Without a cluster: an API removed at or before the target release is an error; one
 * removed by a later release is a warning, so users see the upgrade coming.
 */
public record OfflineApiPolicy(RemovedApis table, KubeVersion target) implements ApiVersionPolicy {

    @Override
    public Optional<Verdict> judge(String apiVersion, String kind) {
        return table.find(apiVersion, kind).map(r -> r.removedIn().compareTo(target) <= 0
                ? new Verdict(Severity.ERROR, r.removedMessage())
                : new Verdict(Severity.WARNING, "apiVersion " + apiVersion + " is deprecated and removed in Kubernetes "
                        + r.removedIn() + "; use " + r.replacement()));
    }
}
