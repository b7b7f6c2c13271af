package dev.multimodal.usermanagement.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser for the tests: Debian's headless Chromium driven by its chromedriver, both named by path so Selenium
 * never looks for (or downloads) a browser or driver. One browser per instance, with its own profile (cookies);
 * {@link #close()} ends it. Screenshots go to {@code tests/target/screenshots/}.
 */
final class WebBrowser implements AutoCloseable {

    static final String CHROMIUM = System.getProperty("browser.binary", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("browser.driver", "/usr/bin/chromedriver");
    /** Pages of a busy 2-core machine: Keycloak's admin console takes a while to load. */
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static final Path SCREENSHOTS = Path.of(System.getProperty("screenshots.dir", "target/screenshots"));

    private final ChromeDriver driver;

    WebBrowser() {
        this("en");
    }

    /** @param language the browser's preferred language ({@code Accept-Language}) */
    WebBrowser(String language) {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM)
                .addArguments(
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-dev-shm-usage",
                        "--disable-gpu",
                        "--window-size=1280,1024",
                        "--lang=" + language,
                        "--no-first-run",
                        "--disable-extensions");
        options.setExperimentalOption("prefs", java.util.Map.of("intl.accept_languages", language));
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
    }

    WebDriver driver() {
        return driver;
    }

    void open(String url) {
        driver.get(url);
    }

    String url() {
        return driver.getCurrentUrl();
    }

    String title() {
        return driver.getTitle();
    }

    String pageSource() {
        return driver.getPageSource();
    }

    /** The element, once it is visible. */
    WebElement find(By by) {
        return until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    String text(By by) {
        return find(by).getText();
    }

    /** Empties a visible field as a user would (React forms miss a programmatic clear) and types into it. */
    void type(By by, String text) {
        WebElement field = find(by);
        field.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
        field.sendKeys(text);
    }

    /** Fills in and sends the login page's form (Keycloak's ids, in every login theme). */
    void signIn(String username, String password) {
        type(By.id("username"), username);
        type(By.id("password"), password);
        click(By.id("kc-login"));
    }

    void click(By by) {
        until(ExpectedConditions.elementToBeClickable(by)).click();
    }

    <T> T until(ExpectedCondition<T> condition) {
        return new WebDriverWait(driver, WAIT).until(condition);
    }

    /** The element's text once it has some (e.g. what a page's script writes). */
    String awaitText(By by) {
        return until(d -> {
            String text = d.findElement(by).getText();
            return text.isBlank() ? null : text;
        });
    }

    void waitForUrl(String prefix) {
        until(d -> d.getCurrentUrl().startsWith(prefix));
    }

    Object script(String javascript, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(javascript, arguments);
    }

    /** Saves a PNG of the visible page as {@code tests/target/screenshots/<name>.png}. */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path target = SCREENSHOTS.resolve(name + ".png");
            Files.copy(
                    ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(),
                    target,
                    StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
