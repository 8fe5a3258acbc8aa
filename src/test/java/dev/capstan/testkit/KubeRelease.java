package dev.capstan.testkit;

import io.fabric8.kubernetes.client.VersionInfo;

/** The release a test control plane runs ({@code GET /version}), e.g. v1.37.2 = 1.37. */
public record KubeRelease(String gitVersion, int major, int minor) {

    static KubeRelease of(VersionInfo info) {
        // minor reads "20+" on some builds: the digits are what counts
        return new KubeRelease(info.getGitVersion(), Integer.parseInt(info.getMajor().replaceAll("\\D", "")),
                Integer.parseInt(info.getMinor().replaceAll("\\D", "")));
    }

    @Override
    public String toString() {
        return gitVersion;
    }
}
