#!/usr/bin/env node
// Prints TC3-HMAC-SHA256 test vectors for `cloudbase-api/src/tc3.rs` as JSON, computed by the vendor's
// own signer, `@cloudbase/signature-nodejs` 2.2.0 (the version `@cloudbase/node-sdk` 3.18.3 pins), called
// the way node-sdk calls it for CloudBase gateway requests:
//   node-sdk src/utils/tcbopenapicommonrequester.ts:150-218 (auth, functions, ai, rdb/mysql/models)
//   node-sdk src/utils/tcbopenapirequester.ts:152-226 (cloudrun: GET signs an empty payload)
//
// Usage (any scratch directory; nothing is sent over the network):
//   npm install @cloudbase/signature-nodejs@2.2.0
//   node /path/to/tc3-vectors.cjs > vectors.json
//
// The library returns only the Authorization value; the canonical request and the string to sign are
// read by wrapping its `sha256hash`/`sha256hmac` helpers (the signer looks them up on the module object
// at call time), so they are the library's own intermediate values, not a re-implementation.
'use strict'

const path = require('path')
const { parse } = require('url')

const searchPaths = [process.cwd(), __dirname]
const libDir = path.dirname(require.resolve('@cloudbase/signature-nodejs/package.json', { paths: searchPaths }))
const libVersion = require(path.join(libDir, 'package.json')).version
if (libVersion !== '2.2.0') {
  throw new Error(`expected @cloudbase/signature-nodejs 2.2.0, found ${libVersion}`)
}
const { sign } = require(libDir)
const utils = require(path.join(libDir, 'lib', 'utils.js'))

// Tencent Cloud's published example key pair (documentation placeholders, not a live credential).
const SECRET_ID = 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE'
const SECRET_KEY = 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE'
const SDK_VERSION = 'tcb-node-sdk/3.18.3'

// The header object node-sdk builds (tcbopenapicommonrequester.ts:166-188): the required headers win
// over `config.headers` and the call's own `args.headers`, in that order.
function nodeSdkHeaders({ url, configHeaders = {}, argsHeaders = {}, source = ',unknown', clientTimestamp, region }) {
  let requiredHeaders = {
    'User-Agent': SDK_VERSION,
    'X-TCB-Source': source,
    'X-Client-Timestamp': clientTimestamp,
    'X-SDK-Version': SDK_VERSION,
    Host: parse(url).host
  }
  if (region) {
    requiredHeaders['X-TCB-Region'] = region
  }
  requiredHeaders = { ...configHeaders, ...argsHeaders, ...requiredHeaders }
  return requiredHeaders
}

function signLikeNodeSdk({ method, url, headers, params, timestamp, sessionToken }) {
  const hashed = []
  const hmacs = []
  const origHash = utils.sha256hash
  const origHmac = utils.sha256hmac
  utils.sha256hash = (s, enc) => {
    hashed.push(s)
    return origHash(s, enc)
  }
  utils.sha256hmac = (s, secret, enc) => {
    hmacs.push(s)
    return origHmac(s, secret, enc)
  }
  let result
  try {
    result = sign({
      secretId: SECRET_ID,
      secretKey: SECRET_KEY,
      method,
      url,
      params,
      headers,
      timestamp,
      withSignedParams: false,
      isCloudApi: true
    })
  } finally {
    utils.sha256hash = origHash
    utils.sha256hmac = origHmac
  }
  const { authorization } = result
  // tcbopenapicommonrequester.ts:210-215
  const header =
    typeof sessionToken === 'string' && sessionToken !== ''
      ? `${authorization}, Timestamp=${result.timestamp}, Token=${sessionToken}`
      : `${authorization}, Timestamp=${result.timestamp}`
  const signedHeaders = /SignedHeaders=([^,]*),/.exec(authorization)[1]
  const signature = /Signature=([0-9a-f]{64})$/.exec(authorization)[1]
  const credentialScope = /Credential=[^/]*\/([^,]*),/.exec(authorization)[1]
  const urlInfo = parse(url)
  return {
    method,
    url,
    canonical_uri: urlInfo.pathname,
    canonical_query: urlInfo.query || '',
    // The pairs in the object's own key order, values as the signer stringifies them.
    headers: Object.entries(headers).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    // What the signer hashes when isCloudApi is true (signer.js:213-217).
    payload: params === '' ? '' : JSON.stringify(params),
    timestamp,
    secret_id: SECRET_ID,
    session_token: sessionToken || null,
    canonical_request: hashed[1],
    string_to_sign: hmacs[hmacs.length - 1],
    credential_scope: credentialScope,
    signed_headers: signedHeaders,
    signature,
    authorization,
    authorization_header: header
  }
}

const gateway = 'https://my-env-1gxyz.api.tcloudbasegateway.com'

const cases = []

// 1. cloudrun GET with a query: tcbopenapirequester signs an empty payload for GET (ts:192-197).
{
  const url = `${gateway}/v1/cloudrun/hello-svc/items?b=2&a=1&q=%E4%B8%AD%20x`
  cases.push({
    name: 'cloudrun_get_with_query',
    ...signLikeNodeSdk({
      method: 'GET',
      url,
      headers: nodeSdkHeaders({
        url,
        argsHeaders: { 'Content-Type': 'application/json; charset=utf-8' },
        clientTimestamp: 1796601599123,
        region: 'ap-shanghai'
      }),
      params: '',
      timestamp: 1796601599
    })
  })
}

// 2. auth().getClientCredential(): POST /auth/v1/token/clientCredential (auth/index.ts:149-167).
{
  const url = `${gateway}/auth/v1/token/clientCredential`
  cases.push({
    name: 'client_credential_post_json',
    ...signLikeNodeSdk({
      method: 'POST',
      url,
      headers: nodeSdkHeaders({
        url,
        argsHeaders: { 'content-type': 'application/json' },
        clientTimestamp: 1796601600000,
        region: 'ap-shanghai'
      }),
      params: { grant_type: 'client_credentials' },
      timestamp: 1796601600
    })
  })
}

// 3. Non-ASCII JSON body (JSON.stringify keeps the characters; the hash is over their UTF-8 bytes).
{
  const url = `${gateway}/v1/functions/echo?webfn=true`
  cases.push({
    name: 'post_non_ascii_body',
    ...signLikeNodeSdk({
      method: 'POST',
      url,
      headers: nodeSdkHeaders({
        url,
        argsHeaders: { 'Content-Type': 'application/json; charset=utf-8' },
        source: 'miniapp,scf',
        clientTimestamp: 1709251199000,
        region: 'ap-guangzhou'
      }),
      params: { name: '未命名', note: 'café ✓ \u{1F600}', n: 1 },
      timestamp: 1709251199
    })
  })
}

// 4. Temporary credentials: the session token is appended to Authorization as `Token=`, not signed.
{
  const url = `${gateway}/v1/cloudrun/hello-svc/`
  cases.push({
    name: 'session_token_post',
    ...signLikeNodeSdk({
      method: 'POST',
      url,
      headers: nodeSdkHeaders({
        url,
        argsHeaders: { 'Content-Type': 'application/json; charset=utf-8' },
        source: ',scf',
        clientTimestamp: 1709164800000,
        region: 'ap-shanghai'
      }),
      params: { hello: 'world' },
      timestamp: 1709164800,
      sessionToken: 'tmp-token-abc/DEF+123='
    })
  })
}

// 5. Header names with upper case and spaces, values with spaces and upper case, a duplicate
// content-type in two spellings (the later key wins), a multipart content-type (signed as the bare
// media type), and names whose order depends on `localeCompare` (`_` sorts before `-`, digits after
// punctuation).
{
  const url = `${gateway}/v1/storages/get-objects-upload-info`
  cases.push({
    name: 'headers_case_spaces_and_order',
    ...signLikeNodeSdk({
      method: 'POST',
      url,
      headers: nodeSdkHeaders({
        url,
        configHeaders: { ' X-Custom-Header ': '  Mixed Case VALUE  ', 'content-type': 'application/json' },
        argsHeaders: {
          'Content-Type': 'multipart/form-data; boundary=----XyZ',
          'X-Tcb_Trace': 'A',
          'x-tcb1': 'B',
          'X-Tcb.Dot': 'C',
          'x-tcbz': 'D',
          'X-Empty': ''
        },
        source: 'MiniApp,Unknown',
        clientTimestamp: 1551113065000,
        region: 'AP-Shanghai'
      }),
      params: [{ objectId: 'a/b c.png' }],
      timestamp: 1551113065
    })
  })
}

process.stdout.write(
  JSON.stringify(
    {
      generator: 'tools/vendor-sdk/tc3-vectors.cjs',
      library: `@cloudbase/signature-nodejs@${libVersion}`,
      node: process.version,
      secret_key: SECRET_KEY,
      cases
    },
    null,
    2
  ) + '\n'
)
