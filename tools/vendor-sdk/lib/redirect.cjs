'use strict'
// Loopback redirect, installed BEFORE any SDK is required.
//
// Every TCP connection made through net.Socket.prototype.connect (which net.connect, tls.connect,
// http(s).Agent, undici/fetch and axios all end in) is rewritten to 127.0.0.1: port 443 goes to
// the recorder's TLS port, any other port to its HTTP port. The host the caller named is kept in
// a log (and, for TLS, as the SNI name that tls.connect already set), so the recorder can tell
// which host an SDK meant. dns.lookup / dns.promises.lookup answer 127.0.0.1 without asking any
// resolver; every other resolver entry point throws. Unix-socket/IPC connects and UDP sockets are
// refused. Nothing here touches SDK code.

const net = require('net')
const dns = require('dns')
const dgram = require('dgram')

const state = {
  installed: false,
  httpPort: 0,
  tlsPort: 0,
  connections: [], // {host, port, to, call}
  lookups: [], // {hostname, call}
  violations: [], // strings: anything that tried to go elsewhere
  currentCall: () => null,
}

function violation(msg) {
  state.violations.push(msg)
  process.stderr.write(`[vendor-sdk redirect] REFUSED: ${msg}\n`)
}

const origConnect = net.Socket.prototype.connect

function patchedConnect(...args) {
  let normalized
  if (Array.isArray(args[0])) {
    // net.connect()/tls.connect() already normalized the arguments: [options, cb]
    normalized = args[0]
  } else {
    normalized = net._normalizeArgs(args)
  }
  const options = normalized[0] || {}
  const cb = normalized[1]
  if (options.path) {
    const msg = `IPC/unix-socket connect to ${options.path}`
    violation(msg)
    throw new Error(`vendor-sdk recorder: ${msg} refused`)
  }
  if (!state.httpPort || !state.tlsPort) {
    const msg = `connect to ${options.host}:${options.port} before the recorder was listening`
    violation(msg)
    throw new Error(`vendor-sdk recorder: ${msg}`)
  }
  const host = options.host || 'localhost'
  const port = Number(options.port)
  const to = port === 443 ? state.tlsPort : state.httpPort
  state.connections.push({ host, port, to, call: state.currentCall() })
  const rewritten = { ...options, host: '127.0.0.1', port: to, family: 4 }
  delete rewritten.lookup
  delete rewritten.localAddress
  delete rewritten.autoSelectFamily
  delete rewritten.autoSelectFamilyAttemptTimeout
  if (rewritten.host !== '127.0.0.1' || (rewritten.port !== state.httpPort && rewritten.port !== state.tlsPort)) {
    // cannot happen; the guard is here so a future edit cannot silently open a way out
    violation(`rewrite produced ${rewritten.host}:${rewritten.port}`)
    throw new Error('vendor-sdk recorder: bad rewrite')
  }
  return cb === undefined
    ? origConnect.call(this, rewritten)
    : origConnect.call(this, rewritten, cb)
}

function fakeLookup(hostname, options, callback) {
  if (typeof options === 'function') {
    callback = options
    options = {}
  }
  if (typeof options === 'number') options = { family: options }
  options = options || {}
  state.lookups.push({ hostname, call: state.currentCall() })
  process.nextTick(() => {
    if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }])
    else callback(null, '127.0.0.1', 4)
  })
  return {}
}

async function fakeLookupPromise(hostname, options) {
  options = typeof options === 'number' ? { family: options } : options || {}
  state.lookups.push({ hostname, call: state.currentCall() })
  return options.all ? [{ address: '127.0.0.1', family: 4 }] : { address: '127.0.0.1', family: 4 }
}

function refuseResolver(name) {
  return function refused(hostname) {
    const msg = `dns.${name}(${hostname})`
    violation(msg)
    throw new Error(`vendor-sdk recorder: ${msg} refused (no resolver is ever asked)`)
  }
}

const RESOLVER_FNS = ['resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCaa', 'resolveCname', 'resolveMx',
  'resolveNaptr', 'resolveNs', 'resolvePtr', 'resolveSoa', 'resolveSrv', 'resolveTxt', 'reverse', 'lookupService']

function install({ currentCall }) {
  if (state.installed) return state
  state.currentCall = currentCall
  net.Socket.prototype.connect = patchedConnect
  dns.lookup = fakeLookup
  dns.promises.lookup = fakeLookupPromise
  for (const fn of RESOLVER_FNS) {
    if (typeof dns[fn] === 'function') dns[fn] = refuseResolver(fn)
    if (typeof dns.promises[fn] === 'function') dns.promises[fn] = refuseResolver(`promises.${fn}`)
    if (dns.Resolver && typeof dns.Resolver.prototype[fn] === 'function') dns.Resolver.prototype[fn] = refuseResolver(`Resolver.${fn}`)
    if (dns.promises.Resolver && typeof dns.promises.Resolver.prototype[fn] === 'function') {
      dns.promises.Resolver.prototype[fn] = refuseResolver(`promises.Resolver.${fn}`)
    }
  }
  const origCreateSocket = dgram.createSocket
  dgram.createSocket = function refusedUdp() {
    violation('dgram.createSocket (UDP)')
    throw new Error('vendor-sdk recorder: UDP refused')
  }
  dgram.createSocket.original = origCreateSocket
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'
  state.installed = true
  return state
}

// True while every entry point still is ours (an SDK could, in theory, re-patch them).
function intact() {
  return net.Socket.prototype.connect === patchedConnect
    && dns.lookup === fakeLookup
    && dns.promises.lookup === fakeLookupPromise
}

module.exports = { install, intact, state }
