package dev.multimodal.usermanagement.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tiny web site on its own origin ({@code http://127.0.0.1:<port>}, not Keycloak's {@code localhost}): an app's
 * redirect target and pages that call the API from another origin. Unknown paths answer a small page, so an OIDC
 * redirect lands on something the browser can show.
 */
final class LocalSite implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, String> pages = new ConcurrentHashMap<>();

    LocalSite() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String page = pages.getOrDefault(
                    exchange.getRequestURI().getPath(), "<!DOCTYPE html><title>app</title><p id=\"app\">app</p>");
            byte[] body = page.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    /** The site's origin, e.g. {@code http://127.0.0.1:40123}. */
    String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Serves {@code html} at {@code path}. */
    void page(String path, String html) {
        pages.put(path, html);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
