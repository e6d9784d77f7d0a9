-- POST /oauth2/token grant_type=authorization_code, each request with a fresh code: every
-- thread takes its share of CODES_FILE (made by bench/make_codes.mjs just before the run).
-- The client authenticates with client_secret_basic (CLIENT_BASIC).
dofile("bench/thread_share.lua")

function init(args)
  codes = thread_share(os.getenv("CODES_FILE"))
  redirect = os.getenv("REDIRECT_URI_ENCODED")
  basic = os.getenv("CLIENT_BASIC")
end

function request()
  local code = table.remove(codes) or "codes-exhausted"
  return wrk.format("POST", "/oauth2/token",
                    { ["Content-Type"] = "application/x-www-form-urlencoded",
                      ["Authorization"] = basic },
                    "grant_type=authorization_code&code=" .. code .. "&redirect_uri=" .. redirect)
end
