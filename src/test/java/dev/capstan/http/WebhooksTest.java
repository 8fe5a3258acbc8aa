package dev.capstan.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.config.ApplicationSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Webhook verification and matching: pure, no server. */
class WebhooksTest {

    private static final String SECRET = "hook-secret";

    private static ApplicationSpec app(String name, String url, String ref) {
        return new ApplicationSpec(name, new ApplicationSpec.Repo(url, ref, "", new ApplicationSpec.Auth(null, null, null, null, null)),
                new ApplicationSpec.Destination("default"),
                new ApplicationSpec.Sync(Duration.ofMinutes(3), false, false, Duration.ofMinutes(5), false, false, List.of()));
    }

    private final Webhooks hooks = new Webhooks(() -> List.of(
            app("shop", "https://github.com/acme/apps.git", "main"),
            app("shop-staging", "git@github.com:acme/apps.git", "staging"),
            app("blog", "https://gitlab.example.com/acme/blog", "HEAD")), () -> Optional.of(SECRET));

    private static String sign(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    @Test
    void aSignedGithubPushTriggersTheAppsOnThatRepositoryAndBranch() throws Exception {
        byte[] body = "{\"ref\":\"refs/heads/main\",\"repository\":{\"clone_url\":\"https://github.com/acme/apps.git\",\"ssh_url\":\"git@github.com:acme/apps.git\"}}"
                .getBytes(StandardCharsets.UTF_8);
        Webhooks.Outcome o = hooks.handle("github", Map.of("x-hub-signature-256", sign(body), "x-github-event", "push"), body);
        assertEquals(202, o.status());
        assertEquals(List.of("shop"), o.apps());
        assertEquals(401, hooks.handle("github", Map.of("x-hub-signature-256", "sha256=00"), body).status());
        assertEquals(401, hooks.handle("github", Map.of(), body).status());
    }

    @Test
    void gitlabAndGenericUseTheirTokens() {
        byte[] body = "{\"ref\":\"refs/heads/feature\",\"project\":{\"git_http_url\":\"https://gitlab.example.com/acme/blog.git\"}}"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("blog"), hooks.handle("gitlab", Map.of("x-gitlab-token", SECRET), body).apps());
        assertEquals(401, hooks.handle("gitlab", Map.of("x-gitlab-token", "nope"), body).status());
        Webhooks.Outcome all = hooks.handle("generic", Map.of("authorization", "Bearer " + SECRET), new byte[0]);
        assertEquals(List.of("shop", "shop-staging", "blog"), all.apps());
        assertEquals(404, hooks.handle("bitbucket", Map.of("authorization", "Bearer " + SECRET), new byte[0]).status());
        Webhooks none = new Webhooks(List::of, Optional::empty);
        assertTrue(none.handle("generic", Map.of("authorization", "Bearer x"), new byte[0]).error().contains("no webhook secret"));
    }

    @ParameterizedTest
    @CsvSource({"https://github.com/acme/apps.git,github.com/acme/apps", "git@github.com:acme/apps.git,github.com/acme/apps",
            "ssh://git@github.com:22/acme/apps,github.com/acme/apps", "https://token@GitHub.com/acme/apps/,github.com/acme/apps"})
    void repositoryUrlsAreComparedInOneForm(String url, String normalized) {
        assertEquals(normalized, Webhooks.normalize(url));
    }
}
