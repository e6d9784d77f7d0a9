-- GET /v1/auth/check with one access token (read from the file named by ACCESS_TOKEN_FILE),
-- as a reverse proxy calls it on every request.
local file = assert(io.open(os.getenv("ACCESS_TOKEN_FILE")))
local token = file:read("*l")
file:close()
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. token
