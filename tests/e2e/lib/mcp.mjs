// Raw MCP-over-HTTP helpers for the end-to-end tests: initialize a session, post messages, read
// SSE streams event by event.
export const LATEST = '2025-11-25';

export function mcpHeaders(token, extra = {}) {
  return {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    ...extra,
  };
}

export async function post(url, token, body, extra = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: mcpHeaders(token, extra),
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json };
}

export async function initialize(url, token, version = LATEST, extra = {}) {
  const r = await post(url, token, {
    jsonrpc: '2.0', id: 0, method: 'initialize',
    params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'e2e', version: '1' } },
  }, { accept: 'application/json', ...extra });
  if (r.status !== 200) throw new Error(`initialize: ${r.status} ${r.text}`);
  const sid = r.headers.get('mcp-session-id');
  const negotiated = r.json.result.protocolVersion;
  await post(url, token, { jsonrpc: '2.0', method: 'notifications/initialized' },
    { 'mcp-session-id': sid, 'mcp-protocol-version': negotiated });
  return { sid, version: negotiated, headers: { 'mcp-session-id': sid, 'mcp-protocol-version': negotiated } };
}

// Opens an SSE response and hands out its events one at a time.
export async function openSse(url, { method = 'GET', headers = {}, body } = {}) {
  const controller = new AbortController();
  const res = await fetch(url, { method, headers, body, signal: controller.signal });
  const events = [];
  const waiters = [];
  let ended = false;
  let buffer = '';
  const push = (e) => { const w = waiters.shift(); if (w) w(e); else events.push(e); };
  (async () => {
    if (!res.body) { ended = true; push(null); return; }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let idx;
        while ((idx = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, idx);
          buffer = buffer.slice(idx + 2);
          const e = { raw: block, comment: block.startsWith(':') };
          for (const line of block.split('\n')) {
            const c = line.indexOf(':');
            if (c <= 0) continue;
            const k = line.slice(0, c), v = line.slice(c + 1).replace(/^ /, '');
            if (k === 'data') e.data = (e.data === undefined ? '' : e.data + '\n') + v;
            else e[k] = v;
          }
          push(e);
        }
      }
    } catch { /* aborted */ }
    ended = true;
    push(null);
  })();
  return {
    status: res.status,
    headers: res.headers,
    // The next event (comments skipped unless asked), or null when the stream ended.
    async next({ timeoutMs = 5000, comments = false } = {}) {
      for (;;) {
        const e = events.length ? events.shift() : ended ? null : await Promise.race([
          new Promise((r) => waiters.push(r)),
          new Promise((_, rej) => setTimeout(() => rej(new Error('no SSE event in time')), timeoutMs)),
        ]);
        if (e && e.comment && !comments) continue;
        return e;
      }
    },
    close() { controller.abort(); },
  };
}
