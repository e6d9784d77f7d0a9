-- POST /oauth2/token grant_type=authorization_code, each request with a fresh code: every
-- thread takes its share of CODES_FILE (made by bench/make_codes.mjs just before the run).
-- The client authenticates with client_secret_basic (CLIENT_BASIC).
local next_index = 0

function setup(thread)
  thread:set("thread_index", next_index)
  next_index = next_index + 1
end

function init(args)
  codes = {}
  local threads = tonumber(os.getenv("WRK_THREADS"))
  local line_number = 0
  for line in io.lines(os.getenv("CODES_FILE")) do
    if line_number % threads == thread_index then table.insert(codes, line) end
    line_number = line_number + 1
  end
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
