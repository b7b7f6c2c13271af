package dev.multimodal.usermanagement.redis;

/** What the health endpoint reports for the cache; names are the wire values. */
public enum CacheStatus {
    connected,
    disconnected,
    embedded
}
