-- One account's lockout state; one call = one atomic decision. Keys share one hash tag (Cluster-safe).
-- KEYS[1] failures: sorted set, attempt id -> time (ms) of each failure in the window
-- KEYS[2] lock:     string, the lock's id (the attempt that set it); its TTL is the rest of the lock
-- KEYS[3] run:      integer, consecutive locks; ends when no new lock follows within the cap after the last one
-- KEYS[4] requests: integer, requests this minute (fixed window opened by the first)
-- KEYS[5] pending:  sorted set, attempt id -> time (ms) of the attempts in flight (checked, outcome not yet recorded)
-- ARGV[1] operation; the rest depends on it. Replies are arrays of integers: {verdict, millis, run}
--   verdict 0 allowed, 1 locked, 2 rate limited, 3 busy (every failure slot is held by an attempt in flight:
--   nothing reserved, the caller waits and asks again with 'reserve')
local op = ARGV[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

-- an attempt takes well under a second; a reservation this old belongs to a request that died
local PENDING_MS = 30000

local function prune(window)
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - PENDING_MS)
end

-- a failure slot for the attempt, unless failures and attempts in flight could already reach the threshold
local function reserve(window, max_failures, id)
  prune(window)
  if redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[5]) >= max_failures then
    return {3, 0, 0}
  end
  redis.call('ZADD', KEYS[5], now, id)
  redis.call('PEXPIRE', KEYS[5], PENDING_MS)
  return {0, 0, 0}
end

if op == 'check' then
  -- ARGV: window ms, max failures, requests per minute, attempt id, and '0' for the request limits alone
  -- (no password guessed: a lock does not refuse, no slot is reserved)
  local window, max_failures, per_minute, id = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
  local guess = ARGV[6] ~= '0'
  local requests = redis.call('INCR', KEYS[4])
  if requests == 1 then redis.call('PEXPIRE', KEYS[4], 60000) end
  local lock_ttl = redis.call('PTTL', KEYS[2])
  if guess and lock_ttl > 0 then return {1, lock_ttl, 0} end
  if requests > per_minute then return {2, math.max(redis.call('PTTL', KEYS[4]), 1), 0} end
  if not guess then return {0, 0, 0} end
  return reserve(window, max_failures, id)
elseif op == 'reserve' then
  -- ARGV: window ms, max failures, attempt id (a waiting attempt's next try; its request was counted by 'check')
  local lock_ttl = redis.call('PTTL', KEYS[2])
  if lock_ttl > 0 then return {1, lock_ttl, 0} end
  return reserve(tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4])
elseif op == 'release' then
  -- ARGV: attempt id (its reservation, when another limit refused the attempt)
  redis.call('ZREM', KEYS[5], ARGV[2])
  return {0, 0, 0}
elseif op == 'fail' then
  -- ARGV: window ms, max failures, lock ms, growth factor, cap ms, attempt id
  local window, max_failures, lock_ms, factor, cap_ms, id =
    tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]
  prune(window)
  redis.call('ZREM', KEYS[5], id)
  redis.call('ZADD', KEYS[1], now, id)
  redis.call('PEXPIRE', KEYS[1], window)
  if redis.call('EXISTS', KEYS[2]) == 1 or redis.call('ZCARD', KEYS[1]) < max_failures then
    return {0, 0, 0}
  end
  local run = redis.call('INCR', KEYS[3])
  local duration = lock_ms * (factor ^ (run - 1))
  if duration > cap_ms then duration = cap_ms end
  duration = math.floor(duration)
  redis.call('SET', KEYS[2], id, 'PX', duration)
  redis.call('PEXPIRE', KEYS[3], duration + cap_ms)
  redis.call('DEL', KEYS[1])
  return {1, duration, run}
elseif op == 'success' then
  -- ARGV: attempt id
  redis.call('ZREM', KEYS[5], ARGV[2])
  redis.call('DEL', KEYS[1], KEYS[3])
  return {0, 0, 0}
elseif op == 'unlock' then
  local was_locked = redis.call('DEL', KEYS[2])
  redis.call('DEL', KEYS[1], KEYS[3], KEYS[5])
  return {was_locked, 0, 0}
elseif op == 'unlock-lock' then
  -- ARGV: the lock's id; another lock (or none) stays as it is
  if redis.call('GET', KEYS[2]) ~= ARGV[2] then return {0, 0, 0} end
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[5])
  return {1, 0, 0}
elseif op == 'state' then
  -- ARGV: window ms; reply {lock ms left (0: not locked), failures in the window, run}
  prune(tonumber(ARGV[2]))
  local lock_ttl = redis.call('PTTL', KEYS[2])
  if lock_ttl < 0 then lock_ttl = 0 end
  return {lock_ttl, redis.call('ZCARD', KEYS[1]), tonumber(redis.call('GET', KEYS[3]) or '0')}
end
return redis.error_reply('unknown operation ' .. tostring(op))
