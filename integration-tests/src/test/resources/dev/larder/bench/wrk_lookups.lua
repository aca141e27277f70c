-- POST /v1/features:get bodies for wrk (larder-bench serve): the same refs, join key, rows per request and
-- uniform random keys as the gRPC load. Arguments after "--": entities rows join_key seed refs(comma-separated).
-- done() prints one line, "WRK_RESULT {json}", that the harness reads.
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

local prefix, suffix, entities, rows

function init(args)
  entities = tonumber(args[1])
  rows = tonumber(args[2])
  local key, seed, refs = args[3], tonumber(args[4]), args[5]
  local quoted = {}
  for ref in string.gmatch(refs, "[^,]+") do
    quoted[#quoted + 1] = '"' .. ref .. '"'
  end
  prefix = '{"full_feature_names":true,"features":{"refs":[' .. table.concat(quoted, ",")
      .. ']},"entities":{"' .. key .. '":{"values":['
  suffix = ']}}}'
  math.randomseed(seed * 31 + id)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local keys = {}
  for i = 1, rows do
    keys[i] = '{"int64_val":"' .. math.random(0, entities - 1) .. '"}'
  end
  return wrk.format(nil, nil, nil, prefix .. table.concat(keys, ",") .. suffix)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_RESULT {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,'
      .. '"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d,"mean_us":%f}\n',
      summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
      latency.max, latency.mean))
end
