package dev.capstan.source;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * Whether one commit has another in its history, from the parents each commit records.
 * JGit's RevWalk stops at a shallow fetch's boundary as if history ended there; the
 * recorded parents say where it goes on, and whether those commits are here at all.
 */
final class Ancestry {

    /** How deep history is fetched to tell whether a new commit descends from the applied one. */
    static final int DEPTH = 200;

    private Ancestry() {
    }

    /** Breadth-first from {@code start}: true when {@code target} is found, false when history ends without it, empty when it runs out here. */
    static Optional<Boolean> walk(Repository repo, ObjectId start, ObjectId target, String displayUrl) throws GitSourceException {
        ArrayDeque<ObjectId> queue = new ArrayDeque<>(List.of(start));
        Set<ObjectId> seen = new HashSet<>(queue);
        boolean missing = false;
        try (ObjectReader reader = repo.newObjectReader()) {
            while (!queue.isEmpty() && seen.size() <= DEPTH * 4) {
                ObjectId id = queue.poll();
                if (!reader.has(id)) {
                    missing = true;
                    continue;
                }
                for (RevCommit parent : RevCommit.parse(reader.open(id, Constants.OBJ_COMMIT).getCachedBytes()).getParents()) {
                    if (parent.equals(target)) {
                        return Optional.of(true);
                    }
                    if (seen.add(parent.copy())) {
                        queue.add(parent.copy());
                    }
                }
            }
        } catch (IOException e) {
            throw new GitSourceException("reading the history of " + start.name() + " in " + displayUrl + " failed: " + e.getMessage());
        }
        return missing || !queue.isEmpty() ? Optional.empty() : Optional.of(false);
    }
}
