package dev.capstan.source;

import java.time.Instant;

/**
 * What a ref pointed at when it was resolved: the unit Capstan syncs, records and reports.
 *
 * @param ref the ref as configured (branch, tag, or SHA)
 * @param sha full commit id
 * @param subject first line of the commit message ("" until the commit is fetched)
 */
public record Revision(String ref, String sha, String subject, Instant commitTime) {

    public String shortSha() {
        return sha.length() > 7 ? sha.substring(0, 7) : sha;
    }

    @Override
    public String toString() {
        return ref + "@" + shortSha();
    }
}
