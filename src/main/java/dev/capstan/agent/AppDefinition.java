package dev.capstan.agent;

import dev.capstan.config.ApplicationSpec;
import dev.capstan.resource.ApplicationRef;
import dev.capstan.source.GitCredentials;
import java.util.Objects;

/**
 * One application as the agent runs it, from the config file or from an Application
 * resource: the engine's spec plus where it came from and whose rights it uses.
 *
 * @param resource the Application it came from; null for a config-file app
 * @param user who its requests are made as ({@code system:serviceaccount:<ns>:<name>}); null: the agent
 * @param secretRef the Secret its credentials come from, for telling a changed definition; null: none
 */
record AppDefinition(ApplicationSpec spec, ApplicationRef resource, String user, String secretRef, GitCredentials credentials) {

    String key() {
        return spec.name();
    }

    /** Whether running {@code other} instead needs a new sync loop: anything but the credentials' contents changed. */
    boolean sameAs(AppDefinition other) {
        return other != null && spec.equals(other.spec) && Objects.equals(user, other.user)
                && Objects.equals(secretRef, other.secretRef)
                && Objects.equals(resource == null ? null : resource.uid(), other.resource == null ? null : other.resource.uid())
                && (resource == null || resource.generation() == other.resource.generation());
    }

    static String serviceAccountUser(String namespace, String name) {
        return "system:serviceaccount:" + namespace + ":" + name;
    }
}
