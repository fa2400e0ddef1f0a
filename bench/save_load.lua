-- wrk script of bench/save_load.py: POST prepared new annotations, count the answers and
-- keep the ids of the acknowledged ones.
-- Arguments (after --): the file of requests (one "path<TAB>JSON body" a line), the
-- session cookie, the CSRF token and the number of wrk threads; each takes every n-th line.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end

local requests = {}
local next_request = 0
sent, created, replayed, failed, ran_out = 0, 0, 0, 0, 0
acked_ids = {}

function init(args)
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Cookie"] = args[2]
  wrk.headers["X-CSRFToken"] = args[3]
  local line_number, thread_count = 0, tonumber(args[4])
  for line in io.lines(args[1]) do
    if line_number % thread_count == number - 1 then
      local path, body = line:match("^([^\t]+)\t(.*)$")
      table.insert(requests, wrk.format("POST", path, nil, body))
    end
    line_number = line_number + 1
  end
end

function request()
  sent = sent + 1
  next_request = next_request + 1
  if next_request > #requests then
    -- Sent again, a prepared save is a replay (200), which the table counts as an error.
    ran_out = ran_out + 1
    next_request = 1
  end
  return requests[next_request]
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
    -- The answer names the saved annotation: its "id" key is the public id sent.
    acked_ids[created] = body:match('"id":%s*"([^"]+)"') or "?"
  elseif status == 200 then
    replayed = replayed + 1
  else
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local totals = {sent = 0, created = 0, replayed = 0, failed = 0, ran_out = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do
      totals[name] = totals[name] + thread:get(name)
    end
  end
  local ids = {}
  for _, thread in ipairs(threads) do
    for _, id in ipairs(thread:get("acked_ids")) do
      table.insert(ids, '"' .. id .. '"')
    end
  end
  local errors = summary.errors
  io.write(string.format(
    '{"sent": %d, "created": %d, "replayed": %d, "failed": %d, "ran_out": %d, ' ..
    '"duration_us": %d, ' ..
    '"p50_us": %d, "p99_us": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, ' ..
    '"acked_ids": [%s]}\n',
    totals.sent, totals.created, totals.replayed, totals.failed, totals.ran_out,
    summary.duration,
    latency:percentile(50), latency:percentile(99), errors.connect, errors.read,
    errors.write, errors.timeout, table.concat(ids, ",")))
end
