-- POST /v1/auth/login with one verified user (BENCH_EMAIL / BENCH_PASSWORD).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"email":"%s","password":"%s"}', os.getenv("BENCH_EMAIL"),
                         os.getenv("BENCH_PASSWORD"))
