-- POST /oauth2/introspect with one client access token (ACCESS_TOKEN_FILE), as a resource
-- server asks on every request; the resource server authenticates with CLIENT_BASIC.
local file = assert(io.open(os.getenv("ACCESS_TOKEN_FILE")))
local token = file:read("*l")
file:close()
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = os.getenv("CLIENT_BASIC")
wrk.body = "token=" .. token
