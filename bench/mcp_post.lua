-- wrk script: POST $BODY to the MCP endpoint with the bearer token from $TOKEN, and the session
-- header from $SESSION when set; Accept from $ACCEPT (default application/json). Non-200 answers are counted by wrk as errors.
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
