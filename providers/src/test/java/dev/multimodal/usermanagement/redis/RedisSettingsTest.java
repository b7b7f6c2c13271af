package dev.multimodal.usermanagement.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisSettingsTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);

    @Test
    void oneServerUrlWithTimeoutAndClientName() {
        RedisSettings settings = RedisSettings.parse(" redis://127.0.0.1:6380/3 ", false, null, TIMEOUT);
        RedisURI uri = settings.nodes().get(0);
        assertFalse(settings.cluster());
        assertEquals(6380, uri.getPort());
        assertEquals(3, uri.getDatabase());
        assertEquals(TIMEOUT, uri.getTimeout());
        assertEquals("user-management", uri.getClientName());
        assertEquals("redis://127.0.0.1:6380/3", settings.description());
    }

    @Test
    void tlsAndSentinelUrlsAreLettuces() {
        assertTrue(RedisSettings.parse("rediss://cache.example:6380", false, null, TIMEOUT)
                .nodes()
                .get(0)
                .isSsl());
        RedisSettings sentinel =
                RedisSettings.parse("redis-sentinel://s1:26379,s2:26379/0#mymaster", false, null, TIMEOUT);
        assertEquals(1, sentinel.nodes().size(), "a Sentinel URL lists its sentinels itself");
        assertEquals(2, sentinel.nodes().get(0).getSentinels().size());
        assertEquals("mymaster", sentinel.nodes().get(0).getSentinelMasterId());
    }

    @Test
    void clusterSeedsAreCommaSeparatedAndBareHostsTakeTheFirstScheme() {
        RedisSettings settings = RedisSettings.parse("rediss://a:7000, b:7001,redis://c:7002", true, null, TIMEOUT);
        assertTrue(settings.cluster());
        assertEquals(
                List.of("a", "b", "c"),
                settings.nodes().stream().map(RedisURI::getHost).toList());
        assertEquals(
                List.of(true, true, false),
                settings.nodes().stream().map(RedisURI::isSsl).toList());
        assertTrue(settings.description().endsWith("(cluster)"), settings.description());
    }

    @Test
    void passwordOptionAppliesToEveryNodeAndNeverToTheDescription() {
        RedisSettings settings =
                RedisSettings.parse("redis://a:7000,redis://:url-secret@b:7001", true, "option-secret", TIMEOUT);
        for (RedisURI uri : settings.nodes()) {
            char[] password =
                    uri.getCredentialsProvider().resolveCredentials().block().getPassword();
            assertEquals("option-secret", new String(password));
        }
        assertFalse(settings.description().contains("secret"), settings.description());
        assertEquals("redis://a:7000,redis://b:7001 (cluster)", settings.description());
    }

    @Test
    void aBadUrlIsRefusedWithoutItsPassword() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> RedisSettings.parse("http://:hunter2@host:6379", false, null, TIMEOUT));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }
}
