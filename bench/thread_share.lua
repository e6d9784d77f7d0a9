-- Shared by the scripts whose every request needs a fresh secret (a refresh token, a code):
-- wrk runs one Lua state per thread, and each thread takes every WRK_THREADS-th line of the
-- file, so no two threads send the same one. Use: dofile("bench/thread_share.lua"), then
-- `secrets = thread_share(path)` in init.
local next_index = 0

function setup(thread)
  thread:set("thread_index", next_index)
  next_index = next_index + 1
end

function thread_share(path)
  local lines = {}
  local threads = tonumber(os.getenv("WRK_THREADS"))
  local line_number = 0
  for line in io.lines(path) do
    if line_number % threads == thread_index then table.insert(lines, line) end
    line_number = line_number + 1
  end
  return lines
end
