-- One script for every phase: `wrk -t<n> ... -s bench/wrk.lua -- <mode> <office> <n> [first] [last]`.
-- mode: health | availability | booking. Booking requests each use a different applicant
-- from lines first..last of bench/tmp/applicants.txt (split between wrk threads, so each
-- phase has its own people) and a random session of the day the crowd wants.
-- At the end it prints one JSON line: throughput, latency percentiles and outcome counts.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local function lines(path)
  local out = {}
  for line in io.lines(path) do table.insert(out, line) end
  return out
end

function init(args)
  nthreads = tonumber(args[3] or 1)
  mode = args[1] or "health"
  office = args[2] or "bench-office"
  ok, full, client_error, server_error, other = 0, 0, 0, 0, 0
  if mode == "booking" then
    tokens, applications = {}, {}
    local all = lines("bench/tmp/applicants.txt")
    local first, last = tonumber(args[4] or 1), tonumber(args[5] or #all)
    local n = 0
    for i, line in ipairs(all) do
      if i >= first and i <= last and (i - 1) % nthreads == id then
        local token, app = line:match("^(%S+) (%S+)$")
        table.insert(tokens, token)
        table.insert(applications, app)
        n = n + 1
      end
    end
    sessions = lines("bench/tmp/sessions.txt")
    next_index = 0
    math.randomseed(os.time() + id)
  end
end

function request()
  if mode == "health" then
    return wrk.format("GET", "/health/")
  elseif mode == "availability" then
    return wrk.format("GET", "/api/v1/offices/" .. office .. "/availability/")
  end
  next_index = next_index % #tokens + 1
  local body = '{"session": ' .. sessions[math.random(#sessions)] .. '}'
  return wrk.format("POST", "/api/v1/applications/" .. applications[next_index] .. "/booking/",
    {["Authorization"] = "Bearer " .. tokens[next_index], ["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  if status >= 500 then
    server_error = server_error + 1
  elseif status == 200 or status == 201 then
    ok = ok + 1
  elseif status == 409 and body and body:find("slot_full", 1, true) then
    full = full + 1
  elseif status >= 400 then
    client_error = client_error + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local totals = {ok = 0, full = 0, client_error = 0, server_error = 0, other = 0}
  for _, thread in ipairs(threads) do
    for key, _ in pairs(totals) do totals[key] = totals[key] + (thread:get(key) or 0) end
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"ok": %d, "slot_full": %d, "client_error": %d, "server_error": %d, "other": %d, ' ..
    '"socket_errors": %d, "non_2xx": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, totals.ok, totals.full, totals.client_error, totals.server_error, totals.other,
    e.connect + e.read + e.write + e.timeout, e.status))
end
