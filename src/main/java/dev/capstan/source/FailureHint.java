package dev.capstan.source;

import java.util.regex.Pattern;

/**
 * Which setting a failed fetch points at. A refusal points at {@code repo.auth}; anything else at the URL and the
 * network. The words are searched with every URL taken out first: a port such as 40169 or a path such as
 * /auth-service once turned "Connection refused" into advice about credentials.
 */
final class FailureHint {

    private static final Pattern URL_IN_TEXT = Pattern.compile("\\S+://\\S+");
    private static final Pattern REFUSAL = Pattern.compile(
            "\\b(401|403)\\b|not authorized|authenticat|not permitted|auth fail|permission denied",
            Pattern.CASE_INSENSITIVE);

    private FailureHint() {
    }

    static String of(String message) {
        return REFUSAL.matcher(URL_IN_TEXT.matcher(message).replaceAll("")).find()
                ? "; check repo.auth" : "; check repo.url and that the server is reachable";
    }
}
