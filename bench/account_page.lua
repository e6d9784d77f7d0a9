-- GET /account as a signed-in browser: the access token (ACCESS_TOKEN_FILE) as the page's cookie.
local file = assert(io.open(os.getenv("ACCESS_TOKEN_FILE")))
local token = file:read("*l")
file:close()
wrk.method = "GET"
wrk.headers["Cookie"] = "__Host-gh_at=" .. token
wrk.headers["Accept"] = "text/html"
