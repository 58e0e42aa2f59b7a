// Preloaded into a test upstream (startEverything({ record: true })): every HTTP request body the
// server receives is printed on stdout as one line "MCPGW_TEST_BODY <method> <path> <json string
// of the body>", so a test can assert what reached the upstream, not only what mcpgw logged.
const http = require('node:http');
const emit = http.IncomingMessage.prototype.emit;
http.IncomingMessage.prototype.emit = function (event, ...args) {
  if (this.req === undefined && this.method) {  // a request the server received
    if (event === 'data') (this.mcpgwChunks ??= []).push(Buffer.from(args[0]));
    if (event === 'end') {
      const body = Buffer.concat(this.mcpgwChunks ?? []).toString('utf8');
      process.stdout.write(`MCPGW_TEST_BODY ${this.method} ${this.url} ${JSON.stringify(body)}\n`);
    }
  }
  return emit.call(this, event, ...args);
};
