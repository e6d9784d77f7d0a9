-- POST /v1/auth/refresh, each request with a distinct, never used refresh token: every thread
-- holds a pool of live tokens (from REFRESH_TOKENS_FILE, one per connection); a request takes
-- one, and its response gives back the rotated successor.
dofile("bench/thread_share.lua")

function init(args)
  pool = thread_share(os.getenv("REFRESH_TOKENS_FILE"))
end

-- wrk calls request() once per thread before the run and never sends that request: the
-- bench script supplies one spare token per thread for it.
function request()
  local token = table.remove(pool) or "pool-exhausted"
  return wrk.format("POST", "/v1/auth/refresh", { ["Content-Type"] = "application/json" },
                    '{"refresh_token":"' .. token .. '"}')
end

function response(status, headers, body)
  local token = body:match('"refresh_token":"([^"]+)"')
  if token then table.insert(pool, token) end
end
