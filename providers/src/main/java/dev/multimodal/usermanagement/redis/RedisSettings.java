package dev.multimodal.usermanagement.redis;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code redis} SPI's options, parsed: one server URL ({@code redis://}, {@code rediss://} for TLS,
 * {@code redis-sentinel://host1,host2/db#master}) or, for Redis Cluster, comma-separated seed URLs. A password
 * option (so it can come from an environment variable rather than the URL) applies to every node.
 *
 * @param nodes          the server, the Sentinel URL, or the cluster's seed nodes
 * @param cluster        whether to use lettuce's cluster client
 * @param commandTimeout how long one command may take
 * @param description    the URLs without credentials, for log lines
 */
record RedisSettings(List<RedisURI> nodes, boolean cluster, Duration commandTimeout, String description) {

    static final String CLIENT_NAME = "user-management";

    /**
     * @throws IllegalArgumentException for a URL lettuce cannot parse (the message names the URL without credentials)
     */
    static RedisSettings parse(String urls, boolean cluster, String password, Duration commandTimeout) {
        List<String> parts = cluster ? seeds(urls) : List.of(urls.trim());
        List<RedisURI> nodes = new ArrayList<>();
        for (String url : parts) {
            RedisURI uri;
            try {
                uri = RedisURI.create(url);
            } catch (RuntimeException e) {
                // lettuce's message may quote the URL, password included
                throw new IllegalArgumentException("Invalid Redis URL " + withoutCredentials(url));
            }
            if (password != null && !password.isBlank()) {
                uri.setPassword(password.toCharArray());
            }
            uri.setTimeout(commandTimeout);
            uri.setClientName(CLIENT_NAME);
            nodes.add(uri);
        }
        String description =
                parts.stream().map(RedisSettings::withoutCredentials).collect(Collectors.joining(","))
                        + (cluster ? " (cluster)" : "");
        return new RedisSettings(List.copyOf(nodes), cluster, commandTimeout, description);
    }

    /** {@code redis://a:7000,redis://b:7001} or {@code redis://a:7000,b:7001}: the first URL's scheme applies to bare hosts. */
    private static List<String> seeds(String urls) {
        List<String> seeds = new ArrayList<>();
        String scheme = null;
        for (String part : urls.split(",")) {
            String seed = part.trim();
            if (seed.isEmpty()) {
                continue;
            }
            int schemeEnd = seed.indexOf("://");
            if (schemeEnd > 0) {
                scheme = seed.substring(0, schemeEnd);
            } else {
                seed = (scheme == null ? "redis" : scheme) + "://" + seed;
            }
            seeds.add(seed);
        }
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("No Redis Cluster seed URL");
        }
        return seeds;
    }

    static String withoutCredentials(String url) {
        return url.replaceAll("//[^/@,]*@", "//");
    }
}
