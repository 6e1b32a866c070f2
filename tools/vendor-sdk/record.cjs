#!/usr/bin/env node
'use strict'
// Vendor-SDK wire recorder.
//
//   node tools/vendor-sdk/record.cjs --sdk js|node|node-tc3 --out <file.jsonl | ->
//
// Drives the vendor's own SDKs (pinned in package.json) against an in-process recorder on
// 127.0.0.1 and writes every HTTP request they send as one JSON line, tagged with the logical
// call that made it. See README.md for the JSONL contract and the call ids.

const path = require('path')
const fs = require('fs')
const http = require('http')
const https = require('https')

// ---------------------------------------------------------------------------------------------
// 1. Arguments
// ---------------------------------------------------------------------------------------------
function usage(msg) {
  if (msg) process.stderr.write(`record.cjs: ${msg}\n`)
  process.stderr.write('usage: node record.cjs --sdk js|node|node-tc3 --out <file.jsonl|-> [--only id,id] [--call-timeout ms] [--quiet]\n')
  process.exit(2)
}
const argv = process.argv.slice(2)
const opts = { sdk: null, out: null, only: null, callTimeout: 5000, quiet: false }
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]
  const val = () => {
    if (i + 1 >= argv.length) usage(`${a} needs a value`)
    return argv[++i]
  }
  if (a === '--sdk') opts.sdk = val()
  else if (a === '--out') opts.out = val()
  else if (a === '--only') opts.only = val().split(',').map(s => s.trim()).filter(Boolean)
  else if (a === '--call-timeout') opts.callTimeout = Number(val())
  else if (a === '--quiet') opts.quiet = true
  else if (a === '-h' || a === '--help') usage()
  else usage(`unknown argument ${a}`)
}
if (!['js', 'node', 'node-tc3'].includes(opts.sdk)) usage('--sdk must be js, node or node-tc3')
if (!opts.out) usage('--out is required')
if (!(opts.callTimeout > 0)) usage('--call-timeout must be a positive number of milliseconds')

// ---------------------------------------------------------------------------------------------
// 2. Redirect, before any SDK module is loaded
// ---------------------------------------------------------------------------------------------
const run = {
  call: null, // id of the call being driven; every request that arrives is tagged with it
  seq: 0,
  gatewaySeq: 0,
  lines: [],
  open: new Set(), // request lines whose body has not ended yet
  stray: 0,
}
// The SDKs read credentials, the env id, the region, the runtime kind and proxies from the
// environment; clear those so every run (here, a developer's machine or CI) drives the same calls.
const SCRUBBED_ENV = Object.keys(process.env).filter(k => /^(TENCENTCLOUD|TCB_|SCF_|CLOUDBASE_|WX_|CBR_|SUMERU_|KUBERNETES_SERVICE|ROLE_NAME$|tcb_token$)|^(https?|all|no)_proxy$/i.test(k)).sort()
for (const k of SCRUBBED_ENV) delete process.env[k]

const redirect = require('./lib/redirect.cjs')
redirect.install({ currentCall: () => run.call })

// Keep stderr readable: the redirect sets NODE_TLS_REJECT_UNAUTHORIZED on purpose.
const origEmitWarning = process.emitWarning
process.emitWarning = function (warning, ...rest) {
  const text = typeof warning === 'string' ? warning : warning && warning.message
  if (text && text.includes('NODE_TLS_REJECT_UNAUTHORIZED')) return
  return origEmitWarning.call(process, warning, ...rest)
}

// The SDKs log to the console (warnings, help texts); with `--out -` stdout carries the JSONL,
// so everything they print goes to stderr instead.
for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
  console[level] = (...args) => {
    if (opts.quiet) return
    process.stderr.write(`[sdk console.${level}] ${require('util').format(...args)}\n`)
  }
}

const { classifyHost, makeReplier } = require('./lib/replies.cjs')
const { summarize } = require('./lib/summary.cjs')

// ---------------------------------------------------------------------------------------------
// 3. Recorder servers
// ---------------------------------------------------------------------------------------------
function fail(msg, err) {
  process.stderr.write(`record.cjs: ${msg}${err ? `: ${err && err.stack || err}` : ''}\n`)
  process.exit(1)
}

const replier = makeReplier()

function onRequest(req, res) {
  // tagged, numbered and listed when the request head arrives (a body may take longer)
  const host = req.headers.host || ''
  const call = run.call
  const seq = call === null ? -1 : run.seq++
  if (call === null) run.stray++
  const kind = classifyHost(host)
  const headers = []
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]])
  const line = {
    type: 'request',
    sdk: opts.sdk,
    call,
    seq,
    gateway_seq: kind === 'gateway' && call !== null ? run.gatewaySeq++ : null,
    gateway: kind === 'gateway',
    kind,
    tls: !!req.socket.encrypted,
    sni: req.socket.encrypted ? (req.socket.servername || null) : null,
    host,
    method: req.method,
    target: req.url,
    http_version: req.httpVersion,
    headers,
    body_b64: '',
    body_json: null,
    reply: null,
  }
  run.lines.push(line)
  run.open.add(line)
  const chunks = []
  req.on('data', c => chunks.push(c))
  req.on('end', () => {
    run.open.delete(line)
    const body = Buffer.concat(chunks)
    let bodyJson = null
    if (body.length) {
      try {
        bodyJson = JSON.parse(body.toString('utf8'))
      } catch (e) {
        bodyJson = null
      }
    }
    line.body_b64 = body.toString('base64')
    line.body_json = bodyJson
    let reply
    try {
      reply = replier.reply({ call, kind, host, method: req.method, target: req.url, headers: req.headers, body, json: bodyJson })
    } catch (e) {
      reply = { status: 500, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: 'RECORDER_ERROR', message: String(e && e.message) }) }
      process.stderr.write(`record.cjs: reply handler failed for ${req.method} ${host}${req.url}: ${e && e.stack}\n`)
    }
    line.reply = { status: reply.status, content_type: reply.headers['Content-Type'] || null }
    if (reply.fault) line.reply.fault = reply.fault
    if (call === null) {
      process.stderr.write(`record.cjs: WARNING request outside any call: ${req.method} ${host}${req.url}\n`)
    }
    res.writeHead(reply.status, reply.headers)
    if (reply.sse) {
      // stream the events with a little spacing so the SDK really reads a stream
      let i = 0
      const next = () => {
        if (i >= reply.sse.length) return res.end()
        res.write(reply.sse[i++])
        setTimeout(next, 5)
      }
      next()
    } else if (req.method === 'HEAD') {
      res.end()
    } else {
      res.end(reply.body === undefined ? '' : reply.body)
    }
  })
}

async function startServers() {
  let selfsigned
  try {
    selfsigned = require('selfsigned')
  } catch (e) {
    fail('cannot load selfsigned (run `npm ci` in tools/vendor-sdk)', e)
  }
  const notBefore = new Date(Date.now() - 24 * 3600 * 1000)
  const notAfter = new Date(Date.now() + 7 * 24 * 3600 * 1000)
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'vendor-sdk-recorder.invalid' }], {
    keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notBeforeDate: notBefore, notAfterDate: notAfter,
  })
  const httpServer = http.createServer(onRequest)
  const tlsServer = https.createServer({ key: pems.private, cert: pems.cert }, onRequest)
  for (const s of [httpServer, tlsServer]) {
    s.keepAliveTimeout = 30000
    s.on('clientError', (err, socket) => {
      process.stderr.write(`record.cjs: client error on recorder: ${err && err.message}\n`)
      socket.destroy()
    })
  }
  await Promise.all([
    new Promise((resolve, reject) => httpServer.once('error', reject).listen(0, '127.0.0.1', resolve)),
    new Promise((resolve, reject) => tlsServer.once('error', reject).listen(0, '127.0.0.1', resolve)),
  ])
  redirect.state.httpPort = httpServer.address().port
  redirect.state.tlsPort = tlsServer.address().port
  return { httpServer, tlsServer }
}

// Before any SDK is loaded: prove the redirect is in place with node's own clients. Each probe
// names a host in the reserved .invalid domain; it must land on the recorder.
async function selfCheck() {
  run.call = '__selfcheck__'
  const probe = (mod, port) => new Promise((resolve, reject) => {
    const req = mod.get({ host: 'selfcheck.invalid', port, path: '/__selfcheck__', timeout: 3000 }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.headers['x-vendor-sdk-recorder']))
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', reject)
  })
  const a = await probe(http, 80)
  const b = await probe(https, 443)
  const c = await fetch('https://selfcheck.invalid/__selfcheck__').then(r => r.headers.get('x-vendor-sdk-recorder'))
  if (a !== 'yes' || b !== 'yes' || c !== 'yes') throw new Error('a self-check request did not reach the recorder')
  run.lines = run.lines.filter(l => l.call !== '__selfcheck__')
  redirect.state.connections.length = 0
  redirect.state.lookups.length = 0
  run.call = null
  run.seq = 0
}

// ---------------------------------------------------------------------------------------------
// 4. Driving the calls
// ---------------------------------------------------------------------------------------------
const TIMEOUT = Symbol('timeout')
const sleep = ms => new Promise(r => setTimeout(r, ms))

async function driveOne(sdkCtx, call) {
  run.call = call.id
  run.seq = 0
  run.gatewaySeq = 0
  replier.beginCall(call.id, call.fault || null)
  const started = Date.now()
  const firstLine = run.lines.length
  let outcome
  let value
  let timer
  try {
    const p = Promise.resolve().then(() => call.run(sdkCtx))
    p.catch(() => {}) // a late rejection after a timeout is not an unhandled rejection
    const r = await Promise.race([p, new Promise((resolve) => { timer = setTimeout(() => resolve(TIMEOUT), call.timeout || opts.callTimeout) })])
    if (r === TIMEOUT) {
      outcome = 'timeout'
      value = { timeout_ms: call.timeout || opts.callTimeout }
    } else {
      outcome = 'ok'
      value = summarize(call.summary ? call.summary(r) : r)
    }
  } catch (e) {
    outcome = 'error'
    value = summarize(e, { error: true })
  } finally {
    clearTimeout(timer)
  }
  // let stragglers of this call (async refreshes, telemetry) arrive while it is still current
  await sleep(call.settle || 60)
  const requests = run.lines.slice(firstLine).filter(l => l.type === 'request' && l.call === call.id)
  const fault = replier.endCall()
  const line = {
    type: 'result',
    sdk: opts.sdk,
    call: call.id,
    fn: call.fn,
    outcome,
    value,
    requests: requests.length,
    gateway_requests: requests.filter(r => r.gateway).length,
    ms: Date.now() - started,
  }
  if (call.fault) line.fault = { name: call.fault.name || call.id, fired: fault.fired }
  run.lines.push(line)
  run.call = null
  if (!opts.quiet) {
    const shown = requests.filter(r => r.kind !== 'metadata')
      .map(r => `${r.method} ${r.gateway ? '' : r.host}${r.target.split('?')[0]}`)
    const probes = requests.length - requests.filter(r => r.kind !== 'metadata').length
    const msg = outcome === 'error' ? `  ! ${shortErr(value)}` : ''
    process.stderr.write(`${opts.sdk.padEnd(8)} ${call.id.padEnd(30)} ${outcome.padEnd(7)} ${String(line.gateway_requests).padStart(2)} gw` +
      `${probes ? ` +${probes} probe${probes > 1 ? 's' : ''}` : ''}${shown.length ? `  ${shown.join(', ')}` : ''}${msg}\n`)
  }
  return line
}

function shortErr(v) {
  if (!v || typeof v !== 'object') return String(v)
  const s = [v.code, v.message].filter(Boolean).join(': ').replace(/\s+/g, ' ')
  return s.length > 100 ? `${s.slice(0, 100)}...` : s
}

function loadDriver(sdk) {
  const file = sdk === 'js' ? './lib/calls-js.cjs' : './lib/calls-node.cjs'
  return require(file)
}

async function main() {
  const t0 = Date.now()
  let servers
  try {
    servers = await startServers()
  } catch (e) {
    fail('the recorder could not start', e)
  }
  try {
    await selfCheck()
  } catch (e) {
    fail('the loopback redirect self-check failed; refusing to load any SDK', e)
  }

  let driver
  let sdkCtx
  try {
    driver = loadDriver(opts.sdk)
    sdkCtx = await driver.setup({ sdk: opts.sdk, replier, run })
  } catch (e) {
    fail(`the ${opts.sdk} SDK could not be loaded or initialised`, e)
  }
  // Anything the SDK sent while loading/initialising (e.g. metadata probes) belongs to no call.
  const initLines = run.lines.filter(l => l.call === null)
  for (const l of initLines) l.call = '__init__'
  run.stray -= initLines.length

  let calls = driver.calls(opts.sdk)
  if (opts.only) {
    const unknown = opts.only.filter(id => !calls.some(c => c.id === id))
    if (unknown.length) fail(`--only names calls this SDK does not drive: ${unknown.join(', ')}`)
    // keep the prerequisites (calls marked `setup`) so a filtered run still signs in first
    calls = calls.filter(c => opts.only.includes(c.id) || c.setup)
  }

  const meta = {
    type: 'meta',
    sdk: opts.sdk,
    versions: driver.versions(),
    node: process.version,
    env: 'my-env-1a2b',
    region: 'ap-shanghai',
    started_at: new Date(t0).toISOString(),
    call_timeout_ms: opts.callTimeout,
    scrubbed_env: SCRUBBED_ENV,
    calls: calls.map(c => c.id),
  }
  const results = []
  for (const call of calls) {
    results.push(await driveOne(sdkCtx, call))
  }

  const violations = redirect.state.violations.slice()
  if (!redirect.intact()) violations.push('the redirect was replaced while the SDK ran')
  const strayConnections = redirect.state.connections.filter(c => c.to !== redirect.state.httpPort && c.to !== redirect.state.tlsPort)
  if (strayConnections.length) violations.push(`${strayConnections.length} connections not redirected`)

  // a request whose body never ended (the SDK never finished sending it) is kept, marked
  for (const l of run.open) {
    l.incomplete = true
    l.body_b64 = null
  }
  const requests = run.lines.filter(l => l.type === 'request')
  const summary = {
    type: 'summary',
    sdk: opts.sdk,
    calls: results.length,
    outcomes: results.reduce((acc, r) => ((acc[r.outcome] = (acc[r.outcome] || 0) + 1), acc), {}),
    requests: requests.length,
    gateway_requests: requests.filter(r => r.gateway).length,
    by_kind: requests.reduce((acc, r) => ((acc[r.kind] = (acc[r.kind] || 0) + 1), acc), {}),
    connections: redirect.state.connections.length,
    connection_hosts: [...new Set(redirect.state.connections.map(c => `${c.host}:${c.port}`))].sort(),
    dns_lookups: redirect.state.lookups.length,
    requests_outside_calls: run.stray,
    violations,
    ms: Date.now() - t0,
  }

  const out = [meta, ...run.lines, summary].map(l => JSON.stringify(l)).join('\n') + '\n'
  if (opts.out === '-') {
    await new Promise(resolve => process.stdout.write(out, resolve))
  } else {
    fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true })
    fs.writeFileSync(opts.out, out)
  }
  process.stderr.write(`${opts.sdk}: ${results.length} calls (${Object.entries(summary.outcomes).map(([k, v]) => `${k} ${v}`).join(', ')}), ` +
    `${summary.requests} requests (${summary.gateway_requests} gateway), ${summary.connections} connections${violations.length ? '' : ', all redirected to 127.0.0.1'}; ` +
    `${(summary.ms / 1000).toFixed(1)} s${opts.out === '-' ? '' : ` -> ${opts.out}`}\n`)
  if (violations.length) {
    process.stderr.write(`record.cjs: LOOPBACK VIOLATIONS:\n  ${violations.join('\n  ')}\n`)
    process.exit(3)
  }
  servers.httpServer.close()
  servers.tlsServer.close()
  // hung SDK requests (the timeouts) keep sockets open; the run is complete, so leave now
  process.exit(0)
}

process.on('unhandledRejection', (e) => {
  process.stderr.write(`record.cjs: (ignored) unhandled rejection during call ${run.call}: ${e && e.message || e}\n`)
})
process.on('uncaughtException', (e) => {
  // an SDK crashing asynchronously (e.g. js-sdk's captcha flow in Node) must not end the run
  process.stderr.write(`record.cjs: (ignored) uncaught exception during call ${run.call}: ${e && e.message || e}\n`)
})

main().catch(e => fail('internal error', e))
