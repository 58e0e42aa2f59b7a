// Preloaded into test upstreams: every server listens on 127.0.0.1 only, and the bound port is
// printed for the test harness ("MCPGW_TEST_LISTENING <port>").
const net = require('node:net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    const port = Number(args[0]);
    const rest = args.slice(1).filter((a) => typeof a === 'function');
    this.once('listening', () => process.stdout.write(`MCPGW_TEST_LISTENING ${this.address().port}\n`));
    return listen.call(this, port, '127.0.0.1', ...rest);
  }
  if (args[0] && typeof args[0] === 'object' && !Array.isArray(args[0])) {
    this.once('listening', () => process.stdout.write(`MCPGW_TEST_LISTENING ${this.address().port}\n`));
    return listen.call(this, { ...args[0], host: '127.0.0.1' }, ...args.slice(1));
  }
  return listen.apply(this, args);
};
