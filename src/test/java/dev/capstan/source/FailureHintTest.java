package dev.capstan.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FailureHintTest {

    private static final String AUTH = "; check repo.auth";
    private static final String URL = "; check repo.url and that the server is reachable";

    @Test
    void aRefusalPointsAtTheCredentials() {
        assertEquals(AUTH, FailureHint.of("https://git.example.com/repo.git: not authorized"));
        assertEquals(AUTH, FailureHint.of("https://git.example.com/repo.git: Authentication is required but no CredentialsProvider has been registered"));
        assertEquals(AUTH, FailureHint.of("https://git.example.com/repo.git: git-upload-pack not permitted on 'https://git.example.com/repo.git/'"));
        assertEquals(AUTH, FailureHint.of("ssh://git@git.example.com/repo.git: Auth fail"));
        assertEquals(AUTH, FailureHint.of("server answered 403 Forbidden"));
    }

    @Test
    void numbersAndWordsInsideTheUrlAreNotARefusal() {
        assertEquals(URL, FailureHint.of("git://127.0.0.1:40169/repo.git: Connection refused"));
        assertEquals(URL, FailureHint.of("https://git.example.com:4403/repo.git: Read timed out"));
        assertEquals(URL, FailureHint.of("https://git.example.com/team/auth-service.git: Connection reset"));
        assertEquals(URL, FailureHint.of("http://127.0.0.1:34011/repo.git: 500 Internal Server Error"));
    }
}
