package dev.multimodal.usermanagement.lockout;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded store (no Redis configured): one node only, state lost on restart. Same semantics as
 * {@link RedisLockoutStore}. Bounded: at most {@code maxEntries} accounts and IPs are tracked; beyond that the
 * least recently used entry goes, and expired entries are dropped when touched. One lock guards the map:
 * each decision is a few map operations, far cheaper than the password hash it guards.
 */
public final class InMemoryLockoutStore implements LockoutStore {

    public static final int DEFAULT_MAX_ENTRIES = 100_000;
    private static final long MINUTE_MS = Duration.ofMinutes(1).toMillis();
    /** An attempt takes well under a second; a reservation this old belongs to a request that died. */
    private static final long PENDING_MS = Duration.ofSeconds(30).toMillis();

    private final Clock clock;
    private final int maxEntries;
    private final Duration maxWait;
    private final LinkedHashMap<String, Object> entries;
    private long nextPurgeAt;

    public InMemoryLockoutStore() {
        this(Clock.systemUTC(), DEFAULT_MAX_ENTRIES);
    }

    public InMemoryLockoutStore(Clock clock, int maxEntries) {
        this(clock, maxEntries, SlotWait.DEFAULT_MAX_WAIT);
    }

    /** @param maxWait how long an attempt waits for a failure slot held by attempts in flight */
    public InMemoryLockoutStore(Clock clock, int maxEntries, Duration maxWait) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1");
        }
        this.clock = clock;
        this.maxEntries = maxEntries;
        this.maxWait = maxWait;
        this.entries = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
                return super.size() > InMemoryLockoutStore.this.maxEntries; // the map's size, not the store's
            }
        };
    }

    /** Per-minute counter, a fixed window that opens with its first request (as INCR + PEXPIRE in Redis). */
    private static final class Counter {
        long count;
        long resetsAt;

        long increment(long now) {
            if (now >= resetsAt) {
                count = 0;
                resetsAt = now + MINUTE_MS;
            }
            return ++count;
        }

        long current(long now) {
            return now >= resetsAt ? 0 : count;
        }
    }

    private static final class IpState {
        final Counter requests = new Counter();
        final Counter failures = new Counter();

        boolean expired(long now) {
            return now >= requests.resetsAt && now >= failures.resetsAt;
        }
    }

    private static final class AccountState {
        final Counter requests = new Counter();
        /** attempt id → time of the failure, oldest first */
        final LinkedHashMap<String, Long> failures = new LinkedHashMap<>();
        /** attempt id → time of the check, for attempts in flight */
        final LinkedHashMap<String, Long> pending = new LinkedHashMap<>();

        long lockedUntil;
        /** the id of the attempt that set the lock */
        String lockId;

        int consecutiveLocks;
        long consecutiveLocksExpireAt;
        long windowMs;

        void prune(long now, long windowMs) {
            this.windowMs = windowMs;
            failures.values().removeIf(at -> at <= now - windowMs);
            pending.values().removeIf(at -> at <= now - PENDING_MS);
            if (now >= consecutiveLocksExpireAt) {
                consecutiveLocks = 0;
            }
        }

        boolean expired(long now) {
            prune(now, windowMs);
            return now >= requests.resetsAt
                    && now >= lockedUntil
                    && failures.isEmpty()
                    && pending.isEmpty()
                    && consecutiveLocks == 0;
        }
    }

    @Override
    public Decision check(Attempt attempt, LockoutSettings settings) {
        // the wait happens outside the monitor, so that the attempts in flight can record their outcomes
        return SlotWait.await(() -> firstCheck(attempt, settings, true), () -> reserve(attempt, settings), maxWait);
    }

    @Override
    public synchronized Decision checkLimits(Attempt attempt, LockoutSettings settings) {
        return firstCheck(attempt, settings, false).orElseThrow();
    }

    /** Counts the request; empty when every failure slot is held by an attempt in flight (nothing reserved). */
    private synchronized Optional<Decision> firstCheck(Attempt attempt, LockoutSettings settings, boolean guess) {
        long now = clock.millis();
        IpState ip = ipState(attempt);
        Decision ipDecision = Decision.ALLOWED;
        long ipRequests = ip.requests.increment(now);
        if (ipRequests > settings.requestsPerIpPerMinute()) {
            ipDecision = Decision.rateLimited(Duration.ofMillis(ip.requests.resetsAt - now));
        } else if (ip.failures.current(now) >= settings.failuresPerIpPerMinute()) {
            ipDecision = Decision.rateLimited(Duration.ofMillis(ip.failures.resetsAt - now));
        }

        AccountState account = accountState(attempt.realmId(), attempt.accountKey(), true);
        account.prune(now, settings.failureWindow().toMillis());
        long accountRequests = account.requests.increment(now);
        if (guess && account.lockedUntil > now) {
            return Optional.of(
                    ipDecision.allowed() ? Decision.locked(Duration.ofMillis(account.lockedUntil - now)) : ipDecision);
        }
        if (accountRequests > settings.requestsPerUsernamePerMinute()) {
            return Optional.of(
                    ipDecision.allowed()
                            ? Decision.rateLimited(Duration.ofMillis(account.requests.resetsAt - now))
                            : ipDecision);
        }
        if (!ipDecision.allowed() || !guess) {
            return Optional.of(ipDecision);
        }
        return reserveSlot(account, attempt, settings, now);
    }

    /** A later try for a slot alone: the request was counted by its first check. */
    private synchronized Optional<Decision> reserve(Attempt attempt, LockoutSettings settings) {
        long now = clock.millis();
        AccountState account = accountState(attempt.realmId(), attempt.accountKey(), true);
        account.prune(now, settings.failureWindow().toMillis());
        if (account.lockedUntil > now) {
            return Optional.of(Decision.locked(Duration.ofMillis(account.lockedUntil - now)));
        }
        return reserveSlot(account, attempt, settings, now);
    }

    private static Optional<Decision> reserveSlot(
            AccountState account, Attempt attempt, LockoutSettings settings, long now) {
        if (account.failures.size() + account.pending.size() >= settings.maxFailures()) {
            return Optional.empty(); // the attempts in flight could reach the threshold: wait for one of them to end
        }
        account.pending.put(attempt.id(), now);
        return Optional.of(Decision.ALLOWED);
    }

    @Override
    public synchronized Decision recordFailure(Attempt attempt, LockoutSettings settings) {
        long now = clock.millis();
        ipState(attempt).failures.increment(now);

        AccountState account = accountState(attempt.realmId(), attempt.accountKey(), true);
        account.prune(now, settings.failureWindow().toMillis());
        account.pending.remove(attempt.id());
        account.failures.put(attempt.id(), now);
        if (account.failures.size() < settings.maxFailures() || account.lockedUntil > now) {
            return Decision.ALLOWED;
        }
        int run = account.consecutiveLocks + 1;
        Duration lock = settings.lockDuration(run);
        account.consecutiveLocks = run;
        account.lockedUntil = now + lock.toMillis();
        account.lockId = attempt.id();
        // a run of locks ends when no new lock follows within the cap after this one ends
        account.consecutiveLocksExpireAt =
                account.lockedUntil + settings.lockoutCap().toMillis();
        account.failures.clear();
        return Decision.lockedNow(lock, run);
    }

    @Override
    public synchronized void release(Attempt attempt) {
        AccountState account = accountState(attempt.realmId(), attempt.accountKey(), false);
        if (account != null) {
            account.pending.remove(attempt.id());
        }
    }

    @Override
    public synchronized void recordSuccess(Attempt attempt, LockoutSettings settings) {
        AccountState account = accountState(attempt.realmId(), attempt.accountKey(), false);
        if (account != null) {
            account.pending.remove(attempt.id());
            account.failures.clear();
            account.consecutiveLocks = 0;
        }
    }

    @Override
    public synchronized boolean unlock(String realmId, String accountKey) {
        AccountState removed = (AccountState) entries.remove(accountKey(realmId, accountKey));
        return removed != null && removed.lockedUntil > clock.millis();
    }

    @Override
    public synchronized boolean unlock(String realmId, String accountKey, String lockId) {
        AccountState account = accountState(realmId, accountKey, false);
        if (account == null || account.lockedUntil <= clock.millis() || !account.lockId.equals(lockId)) {
            return false;
        }
        entries.remove(accountKey(realmId, accountKey));
        return true;
    }

    @Override
    public synchronized void unlockAll(String realmId) {
        String prefix = accountKey(realmId, "");
        entries.keySet().removeIf(key -> key.startsWith(prefix));
    }

    @Override
    public synchronized LockState lockState(String realmId, String accountKey, LockoutSettings settings) {
        AccountState account = accountState(realmId, accountKey, false);
        if (account == null) {
            return LockState.CLEAR;
        }
        long now = clock.millis();
        account.prune(now, settings.failureWindow().toMillis());
        boolean locked = account.lockedUntil > now;
        return new LockState(
                true,
                locked,
                Duration.ofMillis(locked ? account.lockedUntil - now : 0),
                account.failures.size(),
                account.consecutiveLocks);
    }

    /** Entries currently held (tests). */
    synchronized int size() {
        return entries.size();
    }

    /** Drops expired entries; called when full, so that live locks are not the ones the LRU evicts. */
    private void purgeExpired(long now) {
        Iterator<Object> values = entries.values().iterator();
        while (values.hasNext()) {
            Object state = values.next();
            boolean expired = state instanceof IpState ip ? ip.expired(now) : ((AccountState) state).expired(now);
            if (expired) {
                values.remove();
            }
        }
    }

    private IpState ipState(Attempt attempt) {
        String key = attempt.realmId() + "\u0000ip\u0000" + attempt.ip();
        Object state = entries.get(key);
        if (state == null) {
            makeRoom();
            state = new IpState();
            entries.put(key, state);
        }
        return (IpState) state;
    }

    private AccountState accountState(String realmId, String accountKey, boolean create) {
        String key = accountKey(realmId, accountKey);
        Object state = entries.get(key);
        if (state == null && create) {
            makeRoom();
            state = new AccountState();
            entries.put(key, state);
        }
        return (AccountState) state;
    }

    private void makeRoom() {
        long now = clock.millis();
        // a full scan at most once a second: under a flood of new names the LRU eviction does the rest
        if (entries.size() >= maxEntries && now >= nextPurgeAt) {
            nextPurgeAt = now + 1000;
            purgeExpired(now);
        }
    }

    private static String accountKey(String realmId, String accountKey) {
        return realmId + "\u0000account\u0000" + accountKey;
    }
}
