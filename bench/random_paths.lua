-- wrk script for bench/run.py.
--   wrk ... -s random_paths.lua URL -- paths FILE   a random address from FILE (one per line)
--   wrk ... -s random_paths.lua URL -- bust PATH    PATH with a query string never asked before
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

function request()
  if mode == "paths" then
    return wrk.format("GET", paths[math.random(#paths)])
  end
  counter = counter + 1
  local separator = path:find("?", 1, true) and "&" or "?"
  return wrk.format("GET", path .. separator .. "b=" .. math.random(1, 1e9) .. "-" .. counter)
end
