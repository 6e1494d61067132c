-- wrk script for bench/run.py.
--   wrk ... -s random_paths.lua URL -- paths FILE   a random address from FILE (one per line), with a
--                                                  query string never asked before: never a cached page
--   wrk ... -s random_paths.lua URL -- bust PATH    PATH with a query string never asked before
--   wrk ... -s random_paths.lua URL -- beacon PATH  a view beacon: POST PATH?t=<a new page load's token>
local mode, paths, path, counter = nil, {}, nil, 0

function init(args)
  mode = args[1]
  if mode == "paths" then
    for line in io.lines(args[2]) do
      paths[#paths + 1] = line
    end
  else
    path = args[2]
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

local run = nil

function request()
  counter = counter + 1
  if mode == "paths" then
    return wrk.format("GET", paths[math.random(#paths)] .. "?b=" .. math.random(1, 1e9) .. "-" .. counter)
  end
  if mode == "beacon" then
    run = run or string.format("%08x", math.random(0, 0x7fffffff))
    return wrk.format("POST", path .. "?t=" .. run .. string.format("%016x", counter))
  end
  local separator = path:find("?", 1, true) and "&" or "?"
  return wrk.format("GET", path .. separator .. "b=" .. math.random(1, 1e9) .. "-" .. counter)
end
