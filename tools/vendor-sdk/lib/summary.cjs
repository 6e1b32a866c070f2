'use strict'
// JSON summary of what an SDK call returned (or threw): plain data stays as it is; buffers,
// streams, functions, class instances and cycles are described rather than dumped.

const MAX_DEPTH = 8
const MAX_KEYS = 40
const MAX_ITEMS = 20
const MAX_STRING = 2000

function summarize(v, { error = false } = {}) {
  const seen = new WeakSet()
  const walk = (x, depth) => {
    if (x === null || x === undefined) return x === undefined ? null : null
    const t = typeof x
    if (t === 'string') return x.length > MAX_STRING ? `${x.slice(0, MAX_STRING)}...(${x.length} chars)` : x
    if (t === 'number') return Number.isFinite(x) ? x : String(x)
    if (t === 'boolean') return x
    if (t === 'bigint') return String(x)
    if (t === 'symbol') return x.toString()
    if (t === 'function') return '[Function]'
    if (seen.has(x)) return '[Circular]'
    if (Buffer.isBuffer(x) || x instanceof Uint8Array) {
      const b = Buffer.from(x)
      return { $bytes: b.length, b64: b.subarray(0, 256).toString('base64') }
    }
    if (x instanceof ArrayBuffer) return { $bytes: x.byteLength, b64: Buffer.from(x).subarray(0, 256).toString('base64') }
    if (x instanceof Date) return Number.isNaN(x.getTime()) ? 'Invalid Date' : x.toISOString()
    if (typeof x.pipe === 'function' || typeof x.getReader === 'function') return '[Stream]'
    if (typeof Headers !== 'undefined' && x instanceof Headers) return Object.fromEntries(x.entries())
    if (depth >= MAX_DEPTH) return Array.isArray(x) ? `[Array(${x.length})]` : '[Object]'
    seen.add(x)
    if (x instanceof Error || (error && depth === 0)) {
      const o = {}
      if (x && x.name) o.name = String(x.name)
      if (x && x.message !== undefined) o.message = walk(x.message, depth + 1)
      for (const k of Object.keys(x || {})) {
        if (k === 'stack' || k === 'message' || k === 'name') continue
        o[k] = walk(x[k], depth + 1)
      }
      if (x && typeof x.code !== 'undefined' && o.code === undefined) o.code = walk(x.code, depth + 1)
      if (x && x.cause !== undefined && o.cause === undefined) o.cause = walk(x.cause, depth + 1)
      if (!error && !(x instanceof Error)) return o
      return o
    }
    if (Array.isArray(x)) {
      const a = x.slice(0, MAX_ITEMS).map(i => walk(i, depth + 1))
      if (x.length > MAX_ITEMS) a.push(`...(${x.length} items)`)
      return a
    }
    if (x instanceof Map) return { $map: walk(Object.fromEntries(x), depth + 1) }
    if (x instanceof Set) return { $set: walk([...x], depth + 1) }
    const o = {}
    const keys = Object.keys(x)
    for (const k of keys.slice(0, MAX_KEYS)) {
      let val
      try {
        val = x[k]
      } catch (e) {
        val = `[getter threw: ${e && e.message}]`
      }
      if (typeof val === 'function') continue
      o[k] = walk(val, depth + 1)
    }
    if (keys.length > MAX_KEYS) o.$more_keys = keys.length - MAX_KEYS
    const ctor = x.constructor && x.constructor.name
    if (ctor && ctor !== 'Object' && keys.length === 0) return `[${ctor}]`
    return o
  }
  return walk(v, 0)
}

module.exports = { summarize }
