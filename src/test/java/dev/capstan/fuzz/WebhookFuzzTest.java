package dev.capstan.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.capstan.config.ApplicationSpec;
import dev.capstan.http.Webhooks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Push webhooks are what the internet can send the agent: any provider name, headers and body get an HTTP answer,
 * never an exception, and the secret is never echoed. Most inputs are signed correctly, so the payload handling
 * behind the signature check is what gets explored.
 */
class WebhookFuzzTest {

    private static final String SECRET = "fuzz-webhook-secret";
    private static final Set<Integer> ANSWERS = Set.of(200, 202, 400, 401, 404);
    private static final Webhooks HOOKS = new Webhooks(() -> List.of(
            app("a", "https://github.com/example/apps.git", "main"),
            app("b", "git@gitlab.com:example/apps.git", "v1.2.0"),
            app("c", "https://example.com/x.git", "")), () -> Optional.of(SECRET));

    private static ApplicationSpec app(String name, String url, String ref) {
        return new ApplicationSpec(name, new ApplicationSpec.Repo(url, ref, "", new ApplicationSpec.Auth(null, null, null, null, null)),
                new ApplicationSpec.Destination("default"),
                new ApplicationSpec.Sync(Duration.ofMinutes(3), false, false, Duration.ofMinutes(5), false, false, List.of()));
    }

    @FuzzTest(maxDuration = "10s")
    void anyDeliveryGetsAnAnswerAndTheSecretNeverShows(FuzzedDataProvider data) throws Exception {
        String provider = data.pickValue(new String[] {"github", "gitlab", "generic", "bitbucket"});
        boolean signed = data.consumeProbabilityDouble() < 0.9;
        String event = data.pickValue(new String[] {"push", "ping", "", "release"});
        String delivery = data.consumeString(20);
        byte[] body = data.consumeRemainingAsBytes();
        Map<String, String> headers = Map.of(
                "x-hub-signature-256", signed ? sign(body) : "sha256=" + HexFormat.of().formatHex(body).substring(0, Math.min(64, body.length * 2)),
                "x-gitlab-token", signed ? SECRET : "nope",
                "authorization", signed ? "Bearer " + SECRET : "Basic Zm9v",
                "x-github-event", event,
                "x-github-delivery", delivery,
                "idempotency-key", delivery);
        Webhooks.Outcome o = HOOKS.handle(provider, headers, body);
        assertTrue(ANSWERS.contains(o.status()), "status " + o.status());
        String answer = o.error() + " " + o.note();
        assertTrue(answer.length() < 300 && answer.chars().noneMatch(Character::isISOControl),
                "an answer (and so a log line) is short and one line: " + answer);
        if (!delivery.contains(SECRET)) { // an id the sender chose may be echoed, cut short: not a leak of the agent's secret
            assertFalse(answer.contains(SECRET), "the secret in an answer");
        }
    }

    private static String sign(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }
}
