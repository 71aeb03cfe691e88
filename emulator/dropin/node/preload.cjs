'use strict';
// gizwits-emulator drop-in preload for Node (NODE_OPTIONS=--require=<this file>, printed by
// `gizwits-emulator env --url URL`). When GIZWITS_EMULATOR_DROPIN is set, connections to the
// real cloud's host names go to the emulator it names:
//  - dns.lookup / dns.promises.lookup answer those names with the emulator's address;
//  - net.Socket#connect (under net.connect, tls.connect, http, https, ws, fetch) sends them to
//    the emulator's address and to the emulator's port for the port asked, from the table the
//    env command computed (the Python side decides it: no port rule is written here). The
//    host name, and so the TLS server name and certificate check, stay the real ones.
// Trust comes from NODE_EXTRA_CA_CERTS (the emulator's authority), set by the same command.

const text = process.env.GIZWITS_EMULATOR_DROPIN;
if (text) {
  let config = null;
  try {
    config = JSON.parse(text);
  } catch (error) {
    process.emitWarning(`GIZWITS_EMULATOR_DROPIN is not JSON (${error.message}); nothing is redirected`,
      'GizwitsEmulatorDropIn');
  }
  if (config) install(config);
}

function install(config) {
  const dns = require('dns');
  const net = require('net');
  const ports = new Map(Object.entries(config.ports).map(([name, table]) => [name.toLowerCase(), table]));
  const address = config.address;
  const family = net.isIP(address) || 0;
  const fallbackPort = config.plain_port ?? config.tls_port;

  const redirected = (host) => typeof host === 'string' && ports.has(host.toLowerCase().replace(/\.$/, ''));

  function mappedPort(host, port) {
    const table = ports.get(host.toLowerCase().replace(/\.$/, ''));
    const key = String(port);
    if (!(key in table)) return fallbackPort;
    if (table[key] === null) {
      const error = new Error(`connect ECONNREFUSED: the emulator at ${config.url} has no listener for ${host}:${port}`);
      error.code = 'ECONNREFUSED';
      throw error;
    }
    return table[key];
  }

  const originalLookup = dns.lookup;
  function lookup(hostname, options, callback) {
    if (typeof options === 'function') [options, callback] = [{}, options];
    if (typeof options === 'number') options = {family: options};
    if (!redirected(hostname)) return originalLookup.call(dns, hostname, options, callback);
    if (!family) return originalLookup.call(dns, address, options, callback);  // an emulator known by name
    const wanted = options && options.family ? Number(String(options.family).replace('IPv', '')) : 0;
    process.nextTick(() => {
      if (wanted && wanted !== family) {
        const error = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        error.code = 'ENOTFOUND';
        return callback(error);
      }
      if (options && options.all) return callback(null, [{address, family}]);
      return callback(null, address, family);
    });
    return {};
  }
  dns.lookup = lookup;
  const promises = dns.promises;
  const originalPromise = promises.lookup;
  promises.lookup = (hostname, options) => redirected(hostname)
    ? new Promise((resolve, reject) => lookup(hostname, options || {}, (error, found, foundFamily) =>
      error ? reject(error) : resolve(Array.isArray(found) ? found : {address: found, family: foundFamily})))
    : originalPromise.call(promises, hostname, options);

  const originalConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function connect(...args) {
    let options = args[0];
    if (Array.isArray(options)) options = options[0];  // net's internal normalised form
    if (options && typeof options === 'object' && !options.path && redirected(options.host)) {
      const moved = Object.assign({}, options, {port: mappedPort(options.host, options.port || 0), lookup});
      if (Array.isArray(args[0])) args[0] = [moved, ...args[0].slice(1)];
      else args[0] = moved;
    } else if ((typeof options === 'number' || typeof options === 'string') && redirected(args[1])) {
      args[0] = mappedPort(args[1], options);
      args[1] = family ? address : args[1];
    }
    return originalConnect.apply(this, args);
  };
}
