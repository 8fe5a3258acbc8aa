package dev.capstan.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capstan.testkit.KubeControlPlane;
import dev.capstan.testkit.KubeTest;
import dev.capstan.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page in a real headless browser (Debian's chromium and chromedriver): it lists
 * the apps, follows one, shows drift appear after a live edit without a reload, and
 * triggers a sync with the token, all under its strict Content-Security-Policy.
 */
@KubeTest
class StatusPageBrowserTest {

    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CAPSTAN_CHROMIUM", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("CAPSTAN_CHROMEDRIVER", "/usr/bin/chromedriver"));

    /** Selenium's note that it has no CDP bindings for this very Chromium: the test uses WebDriver, not CDP. Held: JUL keeps loggers weakly. */
    private static final java.util.logging.Logger SELENIUM_CDP = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

    static {
        SELENIUM_CDP.setLevel(java.util.logging.Level.SEVERE);
    }

    @TempDir
    Path tmp;

    private WebDriver browser;

    @BeforeEach
    void openBrowser() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("the browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": apt-get install chromium chromium-driver (or set CAPSTAN_CHROMIUM and CAPSTAN_CHROMEDRIVER)");
        }
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort().withSilent(true).build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void listFollowSeeDriftLiveAndSync(KubernetesClient client, TestNamespace ns, KubeControlPlane cp) throws Exception {
        try (AgentHarness h = new AgentHarness(tmp, cp, "capstan-" + ns.name().substring(2))) {
            h.remote.commit("settings", Map.of("app/cm.yaml",
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {color: blue}\n"));
            h.start(ns.name(), "app", "interval: 1h");
            h.awaitSyncs(1);
            String base = "http://127.0.0.1:" + h.agent.port();

            HttpResponse<String> page = h.http.get("/");
            String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(csp.contains("script-src 'self'") && csp.contains("default-src 'none'"), csp);

            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
            browser.get(base + "/");
            wait.until(ExpectedConditions.textMatches(By.id("live"), java.util.regex.Pattern.compile("^live")));
            WebElement row = browser.findElement(By.cssSelector("tr[data-app='shop']"));
            assertTrue(row.getText().contains("Synced"), row.getText());

            row.findElement(By.cssSelector("a.app-link")).click();
            wait.until(ExpectedConditions.textToBe(By.id("app-name"), "shop"));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("objects"), "settings"));
            assertTrue(browser.findElement(By.id("drift")).getText().contains("No drift"));
            ((JavascriptExecutor) browser).executeScript("window.capstanNoReload = true;");

            // a live edit: the page shows the drift, with its diff, without being reloaded
            client.configMaps().inNamespace(ns.name()).withName("settings").edit(c -> {
                c.getData().put("color", "red");
                return c;
            });
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".drift-item")));
            String drift = browser.findElement(By.id("drift")).getText();
            assertTrue(drift.contains("ConfigMap") && drift.contains("settings") && drift.contains("/data/color"), drift);
            assertTrue(browser.findElement(By.cssSelector("#app-sync")).getText().contains("OutOfSync"));
            assertEquals(Boolean.TRUE, ((JavascriptExecutor) browser).executeScript("return window.capstanNoReload === true;"),
                    "the page updated itself without a reload");

            // the sync button asks for the token; a wrong one is refused, the right one syncs
            WebElement token = browser.findElement(By.id("token"));
            token.sendKeys("wrong");
            browser.findElement(By.id("sync")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("sync-result"), "bearer token"));
            token.clear();
            token.sendKeys(AgentHarness.TOKEN);
            browser.findElement(By.id("sync")).click();
            wait.until(ExpectedConditions.textToBe(By.id("sync-result"), "sync triggered"));
            wait.until(d -> "blue".equals(data(client, ns.name()).get("color")));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("drift"), "No drift"));
            assertFalse(browser.getPageSource().contains("<script>"), "no inline script");
        }
    }

    private static Map<String, String> data(KubernetesClient client, String namespace) {
        ConfigMap cm = client.configMaps().inNamespace(namespace).withName("settings").get();
        assertNotNull(cm);
        return cm.getData();
    }
}
