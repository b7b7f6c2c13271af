-- One client IP's rate limits in one realm; one call = one atomic decision. Keys share one hash tag.
-- KEYS[1] requests: integer, requests this minute (fixed window opened by the first)
-- KEYS[2] failures: integer, failed attempts this minute
-- Replies {verdict, millis}: verdict 0 allowed, 2 rate limited
local op = ARGV[1]
if op == 'check' then
  -- ARGV: requests per minute, failures per minute
  local requests = redis.call('INCR', KEYS[1])
  if requests == 1 then redis.call('PEXPIRE', KEYS[1], 60000) end
  if requests > tonumber(ARGV[2]) then return {2, math.max(redis.call('PTTL', KEYS[1]), 1)} end
  local failures = tonumber(redis.call('GET', KEYS[2]) or '0')
  if failures >= tonumber(ARGV[3]) then return {2, math.max(redis.call('PTTL', KEYS[2]), 1)} end
  return {0, 0}
elseif op == 'fail' then
  if redis.call('INCR', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], 60000) end
  return {0, 0}
end
return redis.error_reply('unknown operation ' .. tostring(op))
