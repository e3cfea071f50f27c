-- One script for every phase: `wrk -t<n> ... -s bench/wrk.lua -- <mode> <office> <n> [first] [last] [factor]`.
-- mode: health | availability | booking | entry.
-- booking: each request uses an applicant from lines first..last of bench/tmp/applicants.txt
-- (split between wrk threads, so each phase has its own people) and a random session of the
-- day the crowd wants (bench/tmp/sessions.txt); it cycles through them until the time is up.
-- entry: every applicant of first..last enters the draw of bench/tmp/draw.txt once (their
-- three sessions in a random order), then the thread stops; requests made after its last
-- entry are health checks, left out of the counts below. Run entry with -t1 (see response()).
-- Bots (bench/tmp/bots.txt) ask `factor` (default 10) times as often as each other applicant:
-- the schedule holds every other applicant once and every bot `factor` times, spread evenly,
-- so at any point of it each bot has sent `factor` times the requests of each other applicant.
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

local function words(line)
  local out = {}
  for word in line:gmatch("%S+") do table.insert(out, word) end
  return out
end

local function shuffled(list)
  local out = {}
  for i, v in ipairs(list) do out[i] = v end
  for i = #out, 2, -1 do
    local j = math.random(i)
    out[i], out[j] = out[j], out[i]
  end
  return out
end

-- The order in which this thread's applicants ask: humans once each, bots `factor` times each,
-- the bots' turns spread evenly over the humans' (and over the bots, round robin).
local function schedule_of(humans, bots_here, factor)
  local out = {}
  local total = #humans + factor * #bots_here
  local h, b = 0, 0
  for k = 0, total - 1 do
    if #bots_here > 0 and math.floor((k + 1) * factor * #bots_here / total) > math.floor(k * factor * #bots_here / total) then
      b = b % #bots_here + 1
      table.insert(out, bots_here[b])
    else
      h = h + 1
      table.insert(out, humans[h])
    end
  end
  return out
end

function init(args)
  nthreads = tonumber(args[3] or 1)
  mode = args[1] or "health"
  office = args[2] or "bench-office"
  ok, full, already, client_error, server_error, other = 0, 0, 0, 0, 0, 0
  created, changed, refused, extra, responses = 0, 0, 0, 0, 0
  bot_requests, human_requests, bots, humans = 0, 0, 0, 0
  if mode == "booking" or mode == "entry" then
    math.randomseed(os.time() + id)
    local factor = tonumber(args[6] or 10)
    local is_bot = {}
    for _, app in ipairs(lines("bench/tmp/bots.txt")) do is_bot[app] = true end
    local all = lines("bench/tmp/applicants.txt")
    local first, last = tonumber(args[4] or 1), tonumber(args[5] or #all)
    local human_list, bot_list = {}, {}
    for i, line in ipairs(all) do
      if i >= first and i <= last and (i - 1) % nthreads == id then
        local token, app = line:match("^(%S+) (%S+)$")
        local person = {token = token, app = app, bot = is_bot[app] or false}
        table.insert(person.bot and bot_list or human_list, person)
      end
    end
    bots, humans = #bot_list, #human_list
    schedule = schedule_of(human_list, bot_list, factor)
    if mode == "booking" then
      sessions = lines("bench/tmp/sessions.txt")
    else
      local draw = words(lines("bench/tmp/draw.txt")[1])
      office, day = draw[1], draw[2]
      sessions = {draw[3], draw[4], draw[5]}
    end
    next_index = 0
  end
end

function request()
  if id == 0 and not verified then
    -- wrk calls request() once on its first thread to check the script, and never sends it:
    -- that call must not use up an applicant, or the entry phase waits for an answer forever.
    verified = true
    return wrk.format("GET", "/health/")
  end
  if mode == "health" then
    return wrk.format("GET", "/health/")
  elseif mode == "availability" then
    return wrk.format("GET", "/api/v1/offices/" .. office .. "/availability/")
  end
  if mode == "entry" and next_index >= #schedule then
    exhausted_at = exhausted_at or os.time()
    return wrk.format("GET", "/health/")  -- waiting for the other connections' last answers
  end
  next_index = next_index % #schedule + 1
  local person = schedule[next_index]
  if person.bot then bot_requests = bot_requests + 1 else human_requests = human_requests + 1 end
  local headers = {["Authorization"] = "Bearer " .. person.token, ["Content-Type"] = "application/json"}
  if mode == "booking" then
    local body = '{"session": ' .. sessions[math.random(#sessions)] .. '}'
    return wrk.format("POST", "/api/v1/applications/" .. person.app .. "/booking/", headers, body)
  end
  local body = '{"office": "' .. office .. '", "date": "' .. day .. '", "sessions": [' ..
    table.concat(shuffled(sessions), ", ") .. ']}'
  return wrk.format("PUT", "/api/v1/applications/" .. person.app .. "/draw-entry/", headers, body)
end

function response(status, headers, body)
  if mode == "entry" then
    if status == 200 and body == "ok" then
      extra = extra + 1
    else
      responses = responses + 1
      if status == 201 then created = created + 1 elseif status == 200 then changed = changed + 1
      elseif status == 409 then refused = refused + 1 end
    end
  end
  if mode == "entry" and status == 200 and body == "ok" then
    -- an extra health check, not counted
  elseif status >= 500 then
    server_error = server_error + 1
  elseif status == 200 or status == 201 then
    ok = ok + 1
  elseif status == 409 and body and body:find("slot_full", 1, true) then
    full = full + 1
  elseif status == 409 and body and (body:find("nik_already_booked", 1, true) or
      body:find("illegal_transition", 1, true)) then
    already = already + 1  -- someone who won (a bot, mostly) asks again
  elseif status >= 400 then
    client_error = client_error + 1
    if client_error <= 3 then io.stderr:write(status .. " " .. (body or ""):sub(1, 300) .. "\n") end
  else
    other = other + 1
  end
  -- Every entry answered, or none for 3 s after the last was sent: done. Run it with
  -- one thread: a stopped thread's half-open connections would hold sync workers meanwhile.
  -- wrk itself runs until -d is up, so the marker file tells bench/run.sh to interrupt it.
  if mode == "entry" and not finished and (responses >= #schedule or (exhausted_at and os.time() - exhausted_at > 3)) then
    finished = true
    local marker = io.open("bench/tmp/entries-done", "w")
    marker:write(responses .. "\n")
    marker:close()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local keys = {"ok", "full", "already", "client_error", "server_error", "other", "created", "changed", "refused",
    "extra", "bot_requests", "human_requests", "bots", "humans"}
  local totals = {}
  for _, key in ipairs(keys) do totals[key] = 0 end
  for _, thread in ipairs(threads) do
    for _, key in ipairs(keys) do totals[key] = totals[key] + (thread:get(key) or 0) end
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"ok": %d, "slot_full": %d, "already_booked": %d, "client_error": %d, "server_error": %d, "other": %d, ' ..
    '"created": %d, "changed": %d, "refused": %d, "extra": %d, ' ..
    '"bot_requests": %d, "human_requests": %d, "bots": %d, "humans": %d, ' ..
    '"socket_errors": %d, "non_2xx": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, totals.ok, totals.full, totals.already, totals.client_error, totals.server_error, totals.other,
    totals.created, totals.changed, totals.refused, totals.extra,
    totals.bot_requests, totals.human_requests, totals.bots, totals.humans,
    e.connect + e.read + e.write + e.timeout, e.status))
end
