package dev.capstan.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

/**
 * Token checks for the HTTP API, in constant time. A token is presented as
 * {@code Authorization: Bearer <token>}, or for reads as HTTP Basic with the token as the
 * password (any user name), so a browser can open the status page behind a read token:
 * it prompts once and sends the credentials with the page's own requests.
 */
final class Access {

    private Access() {
    }

    static boolean bearer(String header, Optional<String> token) {
        if (token.isEmpty() || token.get().isEmpty() || header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        return equal(header.substring(7).trim(), token.get());
    }

    static boolean bearerOrBasic(String header, Optional<String> token) {
        if (bearer(header, token)) {
            return true;
        }
        if (token.isEmpty() || token.get().isEmpty() || header == null || !header.startsWith("Basic ")) {
            return false;
        }
        try {
            String pair = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon >= 0 && equal(pair.substring(colon + 1), token.get());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static boolean equal(String presented, String expected) {
        return presented != null && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }
}
