#!/usr/bin/env node
'use strict'
// Recomputes every TC3-HMAC-SHA256 Authorization header of a `--sdk node-tc3` recording with
// @cloudbase/signature-nodejs (the signer node-sdk itself uses) from the recorded method, URL,
// headers and body, and checks it matches what the SDK sent.
//
//   node tools/vendor-sdk/check-tc3.cjs /tmp/node-tc3.jsonl
//
// Exit 0 when every signed request recomputes, 1 on a mismatch, 2 when nothing was signed.

const fs = require('fs')
const { sign } = require('@cloudbase/signature-nodejs')

const file = process.argv[2]
if (!file) {
  process.stderr.write('usage: node check-tc3.cjs <recording.jsonl>\n')
  process.exit(2)
}
const SECRET_ID = 'AKIDEXAMPLE'
const SECRET_KEY = 'SECRETEXAMPLE'
// Headers the transport adds after signing (node-sdk signs the rest, see SignedHeaders).
const UNSIGNED = new Set(['authorization', 'content-length', 'connection'])

let ok = 0
let bad = 0
for (const text of fs.readFileSync(file, 'utf8').split('\n')) {
  if (!text.trim()) continue
  const o = JSON.parse(text)
  if (o.type !== 'request' || !o.gateway) continue
  const auth = (o.headers.find(([k]) => k.toLowerCase() === 'authorization') || [])[1] || ''
  if (!auth.startsWith('TC3-HMAC-SHA256')) continue
  const timestamp = Number((auth.match(/Timestamp=(\d+)/) || [])[1])
  const headers = {}
  for (const [k, v] of o.headers) if (!UNSIGNED.has(k.toLowerCase())) headers[k] = v
  const { authorization } = sign({
    secretId: SECRET_ID,
    secretKey: SECRET_KEY,
    method: o.method,
    url: `https://${o.host}${o.target}`,
    // node-sdk signs the JSON body object, and '' for GET or a body-less request
    params: o.method === 'GET' ? '' : (o.body_json === null ? '' : o.body_json),
    headers,
    timestamp,
    withSignedParams: false,
    isCloudApi: true,
  })
  if (auth.startsWith(`${authorization}, Timestamp=`)) ok++
  else {
    bad++
    process.stderr.write(`MISMATCH ${o.call}#${o.seq} ${o.method} ${o.target}\n  sent:       ${auth}\n  recomputed: ${authorization}\n`)
  }
}
process.stderr.write(`${ok} TC3 signatures recomputed, ${bad} mismatched\n`)
process.exit(bad ? 1 : ok ? 0 : 2)
