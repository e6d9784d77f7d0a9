-- POST /v1/auth/passkey, each request with a fresh assertion (its challenge is single use):
-- every thread takes its share of ASSERTIONS_FILE (made by bench/make_assertions.mjs just
-- before the run), one JSON request body per line.
dofile("bench/thread_share.lua")

function init(args)
  bodies = thread_share(os.getenv("ASSERTIONS_FILE"))
end

function request()
  local body = table.remove(bodies) or '{"assertion":"assertions-exhausted"}'
  return wrk.format("POST", "/v1/auth/passkey", { ["Content-Type"] = "application/json" }, body)
end
