-- wrk script: POST $BODY to the MCP endpoint with the bearer token from $TOKEN, and the session
-- header from $SESSION when set; Accept from $ACCEPT (default application/json). With $MODERN
-- set (a 2026-07-28 request), MCP-Protocol-Version is $MODERN, Mcp-Method $METHOD and, when set,
-- Mcp-Name $NAME. Non-200 answers are counted by wrk as errors.
wrk.method = "POST"
wrk.body = os.getenv("BODY")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = os.getenv("ACCEPT") or "application/json"
local session = os.getenv("SESSION")
if session and session ~= "" then
  wrk.headers["Mcp-Session-Id"] = session
  wrk.headers["MCP-Protocol-Version"] = "2025-11-25"
end
local modern = os.getenv("MODERN")
if modern and modern ~= "" then
  wrk.headers["MCP-Protocol-Version"] = modern
  wrk.headers["Mcp-Method"] = os.getenv("METHOD")
  local name = os.getenv("NAME")
  if name and name ~= "" then wrk.headers["Mcp-Name"] = name end
end
