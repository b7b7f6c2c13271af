package dev.multimodal.usermanagement.redis;

import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisReactiveCommandsImpl;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.ClusterPushHandler;
import io.lettuce.core.cluster.RedisAdvancedClusterReactiveCommandsImpl;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.StatefulRedisClusterConnectionImpl;
import io.lettuce.core.cluster.api.reactive.RedisAdvancedClusterReactiveCommands;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.json.JsonParser;
import io.lettuce.core.protocol.PushHandler;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * lettuce clients whose connections carry only the asynchronous API, the one {@link RedisConnector} uses. A stock
 * lettuce connection also builds a synchronous API (a reflective proxy that maps each of several hundred Redis commands
 * to its asynchronous method, per connection, and on a cluster per node) and a reactive one; nothing here calls either,
 * and together they were most of the heap the Redis client kept on an idle server. lettuce provides these factory
 * methods for subclasses to override.
 */
final class AsyncOnlyClients {

    private AsyncOnlyClients() {}

    static RedisClient standalone(ClientResources resources, RedisURI uri) {
        return new Standalone(resources, uri);
    }

    static RedisClusterClient cluster(ClientResources resources, List<RedisURI> nodes) {
        return new Cluster(resources, nodes);
    }

    private static UnsupportedOperationException asyncOnly() {
        return new UnsupportedOperationException("this connection offers only the asynchronous API");
    }

    private static final class Standalone extends RedisClient {

        Standalone(ClientResources resources, RedisURI uri) {
            super(resources, uri);
        }

        @Override
        protected <K, V> StatefulRedisConnectionImpl<K, V> newStatefulRedisConnection(
                RedisChannelWriter writer, PushHandler pushHandler, RedisCodec<K, V> codec, Duration timeout) {
            return new Connection<>(
                    writer, pushHandler, codec, timeout, getOptions().getJsonParser());
        }
    }

    /** lettuce 6.8's cluster client calls only the factory methods that take a JSON parser. */
    private static final class Cluster extends RedisClusterClient {

        Cluster(ClientResources resources, List<RedisURI> nodes) {
            super(resources, nodes);
        }

        /** A connection to one node: the cluster connection's per-node commands and the topology refresh use these. */
        @Override
        protected <K, V> StatefulRedisConnectionImpl<K, V> newStatefulRedisConnection(
                RedisChannelWriter writer,
                PushHandler pushHandler,
                RedisCodec<K, V> codec,
                Duration timeout,
                Supplier<JsonParser> parser) {
            return new Connection<>(writer, pushHandler, codec, timeout, parser);
        }

        @Override
        protected <V, K> StatefulRedisClusterConnectionImpl<K, V> newStatefulRedisClusterConnection(
                RedisChannelWriter writer,
                ClusterPushHandler pushHandler,
                RedisCodec<K, V> codec,
                Duration timeout,
                Supplier<JsonParser> parser) {
            return new ClusterConnection<>(writer, pushHandler, codec, timeout, parser);
        }
    }

    private static final class Connection<K, V> extends StatefulRedisConnectionImpl<K, V> {

        Connection(
                RedisChannelWriter writer,
                PushHandler pushHandler,
                RedisCodec<K, V> codec,
                Duration timeout,
                Supplier<JsonParser> parser) {
            super(writer, pushHandler, codec, timeout, parser);
        }

        @Override
        protected RedisCommands<K, V> newRedisSyncCommandsImpl() {
            return null;
        }

        @Override
        protected RedisReactiveCommandsImpl<K, V> newRedisReactiveCommandsImpl() {
            return null;
        }

        @Override
        public RedisCommands<K, V> sync() {
            throw asyncOnly();
        }

        @Override
        public RedisReactiveCommands<K, V> reactive() {
            throw asyncOnly();
        }
    }

    private static final class ClusterConnection<K, V> extends StatefulRedisClusterConnectionImpl<K, V> {

        ClusterConnection(
                RedisChannelWriter writer,
                ClusterPushHandler pushHandler,
                RedisCodec<K, V> codec,
                Duration timeout,
                Supplier<JsonParser> parser) {
            super(writer, pushHandler, codec, timeout, parser);
        }

        @Override
        protected RedisAdvancedClusterCommands<K, V> newRedisAdvancedClusterCommandsImpl() {
            return null;
        }

        @Override
        protected RedisAdvancedClusterReactiveCommandsImpl<K, V> newRedisAdvancedClusterReactiveCommandsImpl() {
            return null;
        }

        @Override
        public RedisAdvancedClusterCommands<K, V> sync() {
            throw asyncOnly();
        }

        @Override
        public RedisAdvancedClusterReactiveCommands<K, V> reactive() {
            throw asyncOnly();
        }
    }
}
