-- wrk script of http_bench.sh: the Authorization header from $TOKEN, a POST body from $BODY
-- (when set), a pace of $RATE requests/s over $CONNECTIONS connections (when set: each
-- connection waits CONNECTIONS/RATE s on average between requests; wrk's latency excludes the
-- wait), and at
-- the end one JSON line with what wrk measured in this run.
local token = os.getenv("TOKEN")
local body = os.getenv("BODY")
local rate = tonumber(os.getenv("RATE") or "")
local connections = tonumber(os.getenv("CONNECTIONS") or "")
if rate and connections then
  -- Uniformly between half and one and a half of the mean wait, so that the connections do not
  -- fire together in bursts of CONNECTIONS requests (arrivals spread as independent clients').
  local wait = connections * 1000 / rate
  function setup(thread) thread:set("seed", math.random(1, 1000000)) end
  function init(args) math.randomseed(seed or os.time()) end
  function delay() return wait * (0.5 + math.random()) end
end
wrk.headers["Authorization"] = "Bearer " .. token
if body and body ~= "" then
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "requestsPerSecond": %.1f, "errors": %d, "non2xx": %d, ' ..
    '"latencyP50Ms": %.3f, "latencyP90Ms": %.3f, "latencyP99Ms": %.3f, "latencyMaxMs": %.3f}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), errors, summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
