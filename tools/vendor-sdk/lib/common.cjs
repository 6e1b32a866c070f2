'use strict'
// Values shared by both drivers, so the two SDKs (and the Rust side) make the same logical calls.

const { jwt, ENV, CLOUD_OBJECT_ID, FILE_BYTES, PNG_BYTES } = require('./replies.cjs')

const REGION = 'ap-shanghai'
// Deterministic fake credentials. They are never valid anywhere.
const PUBLISHABLE_KEY = jwt({ iss: ENV, sub: 'anon', scope: 'publishable', project_id: ENV, n: 0 })
const API_KEY = jwt({ iss: ENV, sub: 'apikey-1', scope: 'admin', project_id: ENV, n: 0 })
const SECRET_ID = 'AKIDEXAMPLE'
const SECRET_KEY = 'SECRETEXAMPLE'

const USER = { username: 'libai', password: 'Passw0rd!' }
const PHONE = '+86 13800138000'
const EMAIL = 'libai@example.com'
const SUM_ARGS = { a: 1, b: 2 }
const ORDER_QUERY = { page: 1, q: 'green tea' }
const ORDER_BODY = { sku: 'tea', qty: 2 }
const CHAT = { model: 'hunyuan-lite', messages: [{ role: 'user', content: 'Hello' }] }

// One-shot faults (section 3 of the evidence). `match` picks the request that gets the fault.
const FAULTS = {
  function401: {
    name: 'function_401_expired',
    match: { method: 'POST', path: /^\/v1\/functions\/sum$/ },
    reply: { status: 401, json: { code: 'ACCESS_TOKEN_EXPIRED', message: 'access token expired', requestId: 'r-401' } },
  },
  function404: {
    name: 'function_404',
    match: { method: 'POST', path: /^\/v1\/functions\/sum$/ },
    reply: { status: 404, json: { code: 'FUNCTION_NOT_FOUND', message: 'function not found', requestId: 'r-404' } },
  },
  cloudrun404: {
    name: 'cloudrun_404',
    match: { path: /^\/v1\/cloudrun\/shop\// },
    reply: { status: 404, json: { code: 'SERVICE_NOT_FOUND', message: 'Service not found.', requestId: 'r-404' } },
  },
  authInvalidPassword: {
    name: 'auth_invalid_password',
    match: { method: 'POST', path: /^\/auth\/v1\/signin$/ },
    reply: { status: 400, json: { error: 'invalid_password', error_code: 4, error_description: 'password is wrong' } },
  },
  captchaRequired: {
    name: 'captcha_required',
    match: { method: 'POST', path: /^\/auth\/v1\/verification$/ },
    reply: { status: 400, json: { error: 'captcha_required', error_code: 4, error_description: 'captcha required' } },
  },
  rdb409: {
    name: 'rdb_409',
    match: { method: 'POST', path: /^\/v1\/rdb\/rest\/students$/ },
    reply: { status: 409, json: { code: 'DATABASE_23505', message: 'duplicate key value violates unique constraint "students_pkey"', requestId: 'r-409' } },
  },
  ai429: {
    name: 'ai_429',
    match: { method: 'POST', path: /^\/v1\/ai\// },
    reply: { status: 429, json: { error: { code: 'rate_limit_exceeded', message: 'slow down', type: 'rate_limit_error' } } },
  },
  ai400: {
    name: 'ai_400',
    match: { method: 'POST', path: /^\/v1\/ai\// },
    reply: { status: 400, json: { code: 'AI_INVALID_MODEL', message: 'invalid model', requestId: 'r-400' } },
  },
  storageItemMissing: {
    name: 'storage_item_missing',
    match: { method: 'POST', path: /^\/v1\/storages\/get-objects-download-info$/ },
    reply: { status: 200, json: [{ cloudObjectId: CLOUD_OBJECT_ID, code: 'STORAGE_NOT_EXIST', message: 'storage object not exists' }] },
  },
  tokenExpiresSoon: {
    // the sign-in of fault.token_expired_by_time: a token that expires 31 s after issue, which
    // js-sdk treats as already expired after 1 s (it subtracts 30 s)
    name: 'token_expired_by_time',
    match: { method: 'POST', path: /^\/auth\/v1\/signin$/ },
    reply: ({ tokens }) => ({ status: 200, json: tokens({ expires_in: 31 }) }),
  },
}

const sleep = ms => new Promise(r => setTimeout(r, ms))

// Reads an async iterable / ReadableStream of text chunks to the end.
async function drain(stream) {
  const parts = []
  if (!stream) return parts
  if (typeof stream[Symbol.asyncIterator] === 'function') {
    for await (const c of stream) parts.push(c)
    return parts
  }
  if (typeof stream.getReader === 'function') {
    const r = stream.getReader()
    for (;;) {
      const { done, value } = await r.read()
      if (done) break
      parts.push(value)
    }
  }
  return parts
}

// Version of an installed package, read from its package.json (some packages do not export it).
function pkgVersion(name, from = __dirname) {
  const path = require('path')
  const fs = require('fs')
  let dir = from
  for (;;) {
    const f = path.join(dir, 'node_modules', name, 'package.json')
    if (fs.existsSync(f)) return JSON.parse(fs.readFileSync(f, 'utf8')).version
    const up = path.dirname(dir)
    if (up === dir) return null
    dir = up
  }
}

module.exports = {
  pkgVersion,
  ENV, REGION, PUBLISHABLE_KEY, API_KEY, SECRET_ID, SECRET_KEY, USER, PHONE, EMAIL, SUM_ARGS, ORDER_QUERY,
  ORDER_BODY, CHAT, FAULTS, CLOUD_OBJECT_ID, FILE_BYTES, PNG_BYTES, sleep, drain,
}
