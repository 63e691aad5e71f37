-- wrk script for bench/load.sh: bearer auth, one endpoint per run (ENDPOINT), and a summary
-- line with requests/s, p50/p95/p99 and errors (socket errors + non-2xx answers).
local env_file = os.getenv("LOAD_ENV")
dofile(env_file)
local endpoint = os.getenv("ENDPOINT")
local counter = 0
local next_thread = 0
thread_no = 0  -- global: setup() sets it in each thread's own Lua state

function setup(thread)
  thread:set("thread_no", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  if endpoint == "reviews" then
    -- each thread walks its own half of the card list: no two requests review one card at once
    counter = counter + 1
    local half = math.floor(#cards / 2)
    local card = cards[(thread_no * half) + ((counter - 1) % half) + 1]
    return wrk.format("POST", "/api/flashcards/" .. card .. "/reviews", nil, '{"rating": "good"}')
  elseif endpoint == "due" then
    return wrk.format("GET", "/api/flashcards/due?language_pair=" .. pair)
  elseif endpoint == "due_path" then
    -- bench/peer.sh: the due queue at DUE_PATH (the project's or the peer's)
    return wrk.format("GET", os.getenv("DUE_PATH") .. "?language_pair=" .. pair)
  elseif endpoint == "baseline" then
    return wrk.format("GET", "/bench/bare-due?language_pair=" .. pair)
  elseif endpoint == "home" then
    return wrk.format("GET", "/bff/home")
  elseif endpoint == "packs" then
    return wrk.format("GET", "/api/packs/")
  end
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + summary.errors.status
  io.write(string.format("RESULT %-9s %8.1f req/s  p50 %7.1f ms  p95 %7.1f ms  p99 %7.1f ms  errors %d / %d\n",
    endpoint, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors, summary.requests))
end
