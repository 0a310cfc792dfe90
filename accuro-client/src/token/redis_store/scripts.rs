//! The Lua scripts the store runs with `EVAL`, each one atomic step.

/// Releases a lock only if its holder still holds it.
pub(super) const UNLOCK: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then \
                      return redis.call('DEL', KEYS[1]) else return 0 end";
/// Makes a lock live `ARGV[2]` ms from now only if its holder still holds it.
pub(super) const EXTEND: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then \
                      return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
/// Takes a value out: of all the processes asking, one gets it.
pub(super) const TAKE: &str = "local v = redis.call('GET', KEYS[1]) \
                    if v then redis.call('DEL', KEYS[1]) end return v";
/// Sets a pause (its sealed end, `ARGV[2]`, for `ARGV[1]` ms) unless a
/// longer one is already set; when `ARGV[3]` is `1`, over the value
/// `ARGV[4]` (one that does not open, written by anyone else) whatever its
/// expiry.
pub(super) const PAUSE: &str = "local current = redis.call('GET', KEYS[1]) \
                     if (ARGV[3] == '1' and current == ARGV[4]) \
                     or redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then \
                     redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[1]) end return 1";
