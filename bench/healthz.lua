-- GET /healthz
wrk.method = "GET"
