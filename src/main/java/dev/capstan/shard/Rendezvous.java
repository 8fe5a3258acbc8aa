package dev.capstan.shard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;

/**
 * Rendezvous (highest random weight) hashing: an app belongs to the member whose hash with
 * it is highest. Every replica that sees the same members computes the same owner with no
 * coordination, and a member joining or leaving moves only the apps it gains or held
 * (about 1/N of them), never reshuffles the rest. Pure.
 */
public final class Rendezvous {

    private Rendezvous() {
    }

    /** @return the owner of {@code app} among {@code members}, or null when there are none */
    public static String owner(String app, Collection<String> members) {
        String best = null;
        long bestWeight = 0;
        for (String m : members) {
            long w = weight(m, app);
            if (best == null || Long.compareUnsigned(w, bestWeight) > 0 || (w == bestWeight && m.compareTo(best) < 0)) {
                best = m;
                bestWeight = w;
            }
        }
        return best;
    }

    static long weight(String member, String app) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest((member + "\u0000" + app).getBytes(StandardCharsets.UTF_8));
            long w = 0;
            for (int i = 0; i < 8; i++) {
                w = (w << 8) | (d[i] & 0xff);
            }
            return w;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
