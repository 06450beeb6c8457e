-- POST a fixed JSON body (BODY), e.g. a login: wrk -s post_json.lua
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("BODY")
