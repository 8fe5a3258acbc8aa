package dev.capstan.render;

/** One row of the removed-API table: {@code apiVersion} of {@code kind} is gone from {@code removedIn} on. */
public record RemovedApi(String apiVersion, String kind, KubeVersion removedIn, String replacement) {

    public String removedMessage() {
        return "apiVersion " + apiVersion + " was removed in Kubernetes " + removedIn + "; use " + replacement;
    }
}
