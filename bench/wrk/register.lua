-- POST /api/v1/auth/register with an email no other request uses.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

local counter = 0
local run = os.getenv("RUN") or "0"

request = function()
  counter = counter + 1
  local body = string.format(
    '{"email": "r%s-%d-%d@bench.example", "name": "Bench", "password": "bench passphrase 1234"}',
    run, id, counter)
  return wrk.format("POST", "/api/v1/auth/register", {["Content-Type"] = "application/json"}, body)
end
