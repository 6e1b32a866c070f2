'use strict'
// The recorder's answers. Each reply takes its shape from the spec examples in specs/*.yaml (and
// the overlays in specs/overlays/), enough that each SDK flow goes on: sign-ins return tokens,
// user/me a profile, storage upload info a COS-like upload URL, rdb arrays with Content-Range,
// SSE streams that end with `data: [DONE]`, and so on. Values are deterministic within a run.
//
// A call may arm a one-shot fault: {match: {method?, path: RegExp, host?: RegExp}, reply: {...}}.
// The first request of that call that matches gets the fault reply instead; later ones are
// answered normally.

const ENV = 'my-env-1a2b'
const GATEWAY_RE = /^[a-z0-9-]+\.api(\.intl)?\.tcloudbasegateway\.com(:\d+)?$/i
const METADATA_RE = /^metadata\.tencentyun\.com(:\d+)?$/i
const COS_RE = /\.cos\.[a-z0-9-]+\.myqcloud\.com(:\d+)?$/i
const CDN_RE = /\.tcb\.qcloud\.la(:\d+)?$/i

// Hosts the replies name (so the SDK's next hop is recognisable in the JSONL).
const COS_HOST = `6d79-${ENV}-1250000000.cos.ap-shanghai.myqcloud.com`
const CDN_HOST = `6d79-${ENV}-1250000000.tcb.qcloud.la`
const CLOUD_OBJECT_ID = `cloud://${ENV}.6d79-${ENV}-1250000000/poems/a.txt`
const FILE_BYTES = Buffer.from('bright moonlight') // 16 bytes, text/plain
const PNG_BYTES = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex') // 16 bytes, image/png

function classifyHost(host) {
  const h = String(host || '').toLowerCase()
  if (GATEWAY_RE.test(h)) return 'gateway'
  if (METADATA_RE.test(h)) return 'metadata'
  if (COS_RE.test(h)) return 'cos'
  if (CDN_RE.test(h)) return 'cdn'
  if (/^selfcheck\.invalid(:\d+)?$/.test(h)) return 'selfcheck'
  if (/\.tcb-api\.tencentcloudapi\.com(:\d+)?$/.test(h)) return 'tcb-api'
  return 'other'
}

const b64url = s => Buffer.from(s).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
// A syntactically valid (unsigned) JWT: some SDK paths decode the access token.
function jwt(payload) {
  return `${b64url(JSON.stringify({ alg: 'RS256', kid: 'recorder', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}.${b64url('recorder-signature')}`
}

const json = (status, body, extra = {}) => ({
  status,
  headers: { 'Content-Type': 'application/json; charset=utf-8', ...extra },
  body: JSON.stringify(body),
})

const PROFILE = {
  sub: 'u-1001',
  name: 'Li Bai',
  picture: 'https://example.com/avatar/libai.png',
  username: 'libai',
  email: 'libai@example.com',
  phone_number: '+86 13800138000',
  gender: 'MALE',
  status: 'ACTIVE',
  groups: [{ id: 'user' }],
  providers: [{ id: 'wx_open', provider_user_id: 'o-libai', name: 'Li Bai' }],
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  password_updated_at: '2026-01-01T00:00:00Z',
  user_id: 'u-1001',
  has_password: true,
  type: 'external',
}

const STUDENTS = [{ id: 7, name: 'Li Bai', grade: 3 }]

function makeReplier() {
  let tokenSeq = 0
  let call = null
  let fault = null
  let faultFired = 0
  let reqSeq = 0

  const tokens = (extra = {}) => {
    tokenSeq++
    return {
      token_type: 'Bearer',
      access_token: jwt({ iss: `https://${ENV}.api.tcloudbasegateway.com`, sub: 'u-1001', aud: ENV, scope: 'user', n: tokenSeq, exp: 4102444800, iat: 1767225600 }),
      refresh_token: `rt-${tokenSeq}`,
      expires_in: 7200,
      scope: 'user',
      sub: 'u-1001',
      groups: ['user'],
      ...extra,
    }
  }

  function beginCall(id, f) {
    call = id
    fault = f
    faultFired = 0
    reqSeq = 0
  }
  function endCall() {
    const r = { fired: faultFired }
    call = null
    fault = null
    faultFired = 0
    return r
  }

  function matches(m, req, pathname) {
    if (!m) return false
    if (m.method && m.method.toUpperCase() !== req.method.toUpperCase()) return false
    if (m.path && !m.path.test(pathname)) return false
    if (m.host && !m.host.test(req.host)) return false
    return true
  }

  function reply(req) {
    reqSeq++
    const u = new URL(req.target, 'http://recorder.invalid')
    const pathname = u.pathname
    const requestId = `r-${(req.call || 'none').replace(/[^a-z0-9_]+/gi, '-')}-${reqSeq}`
    let r
    if (fault && (fault.times === undefined || faultFired < fault.times) && matches(fault.match, req, pathname)) {
      faultFired++
      r = typeof fault.reply === 'function' ? fault.reply({ req, pathname, query: u.searchParams, tokens, requestId }) : { ...fault.reply }
      r = normalize(r)
      r.fault = fault.name || call
    } else {
      r = normalize(route(req, pathname, u.searchParams, requestId))
    }
    r.headers = { ...r.headers }
    if (!Object.keys(r.headers).some(k => k.toLowerCase() === 'x-request-id')) r.headers['X-Request-Id'] = requestId
    r.headers['X-Vendor-Sdk-Recorder'] = 'yes'
    return r
  }

  function normalize(r) {
    if (r.json !== undefined) {
      const { json: body, status = 200, headers = {} } = r
      return json(status, body, headers)
    }
    return { status: 200, headers: {}, ...r }
  }

  function route(req, pathname, query, requestId) {
    switch (req.kind) {
      case 'selfcheck':
        return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: 'ok' }
      case 'metadata':
        // Not on Tencent Cloud: the probe gets a fast 404 (so the SDK never caches it).
        return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'not found' }
      case 'cos':
        if (req.method === 'PUT' || req.method === 'POST') return { status: 200, headers: { ETag: '"d41d8cd98f00b204e9800998ecf8427e"', 'Content-Length': '0' }, body: '' }
        return { status: 200, headers: { 'Content-Type': 'text/plain', ETag: '"e1"' }, body: FILE_BYTES }
      case 'cdn':
        return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: FILE_BYTES }
      case 'gateway':
        return gateway(req, pathname, query, requestId)
      default:
        return json(404, { code: 'NOT_RECORDED_HOST', message: `the recorder does not answer ${req.host}`, requestId })
    }
  }

  function gateway(req, p, q, requestId) {
    const m = req.method.toUpperCase()
    const body = req.json

    // ---------------------------------------------------------------- auth (/auth/v1, /auth/v2)
    if (p.startsWith('/auth/')) {
      const a = p.replace(/^\/auth\/v[12]/, '')
      if (a === '/token/clientCredential') {
        tokenSeq++
        return { json: { token_type: 'Bearer', access_token: jwt({ iss: ENV, sub: 'client-credential', scope: 'admin', n: tokenSeq }), expires_in: 7200 } }
      }
      if (['/signin', '/signin/username', '/signin/anonymously', '/signup', '/signin/custom', '/signin/with/provider', '/token'].includes(a)) {
        if (a === '/signin/anonymously') return { json: tokens({ scope: 'anonymous', groups: ['anonymous'] }) }
        return { json: tokens() }
      }
      if (a === '/user/me') return { json: PROFILE }
      if (a === '/verification') return { json: { verification_id: 'vid-1', expires_in: 600, is_user: true } }
      if (a === '/verification/verify') return { json: { verification_token: 'vt-1', expires_in: 600 } }
      if (a === '/revoke' || a === '/user/signout') return { json: {} }
      if (a === '/user/sudo') return { json: { sudo_token: 'st-1', expires_in: 900 } }
      if (a === '/provider/uri') {
        return { json: { uri: 'https://open.weixin.qq.com/connect/qrconnect?appid=wx0&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback&state=s1', signout_uri: '' } }
      }
      if (a === '/provider/token') {
        return { json: { provider_token: 'pt-1', expires_in: 1200, provider_profile: { provider_id: 'wx_open', sub: 'o-libai', name: 'Li Bai' } } }
      }
      if (a === '/user/basic/edit' || a === '/user/password' || a === '/user/profile') return { json: {} }
      if (a === '/captcha/data') {
        return { json: { data: 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', type: 'image', token: 'ct-1', expires_in: 300 } }
      }
      if (a === '/captcha/data/verify') return { json: { captcha_token: 'cpt-1', expires_in: 600 } }
      if (a === '/captcha/init') return { json: { captcha_token: 'cpt-1', expires_in: 600, url: 'https://captcha.example.com/?token=ct-1' } }
      if (a === '/user/provider') return { json: { total: 1, data: [{ id: 'wx_open', name: 'WeChat', provider_type: 'oauth', bind: true }] } }
      return { json: {} }
    }

    // ---------------------------------------------------------------- functions
    let mm
    if ((mm = p.match(/^\/v1\/functions\/([^/]+)(\/.*)?$/))) {
      if (mm[1] === 'sum') return { json: { sum: 3 } }
      return { json: { page: 1, plants: [{ id: 1, name: 'fern' }] } }
    }

    // ---------------------------------------------------------------- cloudrun
    if ((mm = p.match(/^\/v1\/cloudrun\/([^/]+)(\/.*)?$/))) {
      return { json: { ok: true, service: mm[1], path: mm[2] || '', method: m } }
    }

    // ---------------------------------------------------------------- apis
    if ((mm = p.match(/^\/v1\/apis\/([^/]+)(\/.*)?$/))) {
      return { json: { ok: true, api: mm[1], path: mm[2] || '' } }
    }

    // ---------------------------------------------------------------- AI
    if ((mm = p.match(/^\/v1\/ai\/([^/]+)\/(.+)$/))) {
      const model = (body && body.model) || 'hunyuan-lite'
      if (body && body.stream) {
        const chunk = (delta, finish) => `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1723618716, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`
        return {
          status: 200,
          headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' },
          sse: [
            chunk({ role: 'assistant', content: 'Moonlight ' }, null),
            chunk({ content: 'before my bed.' }, null),
            `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1723618716, model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 } })}\n\n`,
            'data: [DONE]\n\n',
          ],
        }
      }
      return {
        json: {
          id: 'chatcmpl-1', object: 'chat.completion', created: 1723618716, model,
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Moonlight before my bed.' } }],
          usage: { prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 },
        },
      }
    }

    // ---------------------------------------------------------------- classic storage
    if (p === '/v1/storages/get-objects-upload-info') {
      const items = Array.isArray(body) ? body : []
      return {
        json: items.map(it => ({
          objectId: it.objectId,
          uploadUrl: `https://${COS_HOST}/${it.objectId}?sign=q-sign-algorithm%3Dsha1`,
          downloadUrl: `https://${CDN_HOST}/${it.objectId}`,
          downloadUrlEncoded: `https://${CDN_HOST}/${encodeURI(it.objectId)}`,
          token: 'cos-security-token',
          authorization: 'q-sign-algorithm=sha1&q-ak=AKIDCOS&q-sign-time=1767225600;1767229200&q-key-time=1767225600;1767229200&q-header-list=content-length;content-type;host&q-url-param-list=&q-signature=0000',
          cloudObjectMeta: 'cos-object-meta',
          cloudObjectId: `cloud://${ENV}.6d79-${ENV}-1250000000/${it.objectId}`,
        })),
      }
    }
    if (p === '/v1/storages/get-objects-download-info') {
      const items = Array.isArray(body) ? body : []
      return {
        json: items.map((it) => {
          const key = String(it.cloudObjectId || '').replace(/^cloud:\/\/[^/]+\//, '')
          return { cloudObjectId: it.cloudObjectId, downloadUrl: `https://${CDN_HOST}/${key}?sign=s1&t=1767229200`, downloadUrlEncoded: `https://${CDN_HOST}/${encodeURI(key)}?sign=s1&t=1767229200` }
        }),
      }
    }
    if (p === '/v1/storages/delete-objects') {
      return { json: (Array.isArray(body) ? body : []).map(it => ({ cloudObjectId: it.cloudObjectId })) }
    }
    if (p === '/v1/storages/copy-objects') {
      return {
        json: (Array.isArray(body) ? body : []).map((it) => {
          const dst = String(it.dstPath || '')
          return { cloudObjectId: dst.startsWith('cloud://') ? dst : `cloud://${ENV}.6d79-${ENV}-1250000000/${dst.replace(/^\//, '')}` }
        }),
      }
    }

    // ---------------------------------------------------------------- storage (PostgreSQL mode)
    if (p.startsWith('/v1/storages/bucket')) {
      const id = p.replace(/^\/v1\/storages\/bucket\/?/, '')
      const bucket = { id: id || 'avatars', name: id || 'avatars', owner_id: 'u-1001', public: false, type: 'STANDARD', file_size_limit: 1048576, allowed_mime_types: ['image/png'], created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' }
      if (m === 'POST') return { json: { name: (body && body.name) || 'avatars' } }
      if (m === 'GET' && !id) return { json: [bucket] }
      if (m === 'GET') return { json: bucket }
      if (m === 'PUT') return { json: { message: 'Successfully updated' } }
      if (m === 'DELETE') return { json: { message: 'Successfully deleted' } }
    }
    if (p.startsWith('/v1/storages/object')) {
      const rest = p.replace(/^\/v1\/storages\/object/, '')
      let x
      if ((x = rest.match(/^\/list\/([^/]+)$/))) {
        return {
          json: {
            folders: [],
            objects: [{ key: 'user-1/me.png', name: 'user-1/me.png', id: 'obj-1', updated_at: '2026-01-01T00:00:00Z', created_at: '2026-01-01T00:00:00Z', last_accessed_at: '2026-01-01T00:00:00Z', metadata: { size: 16, mimetype: 'image/png' } }],
            hasNext: false,
          },
        }
      }
      if (rest === '/copy') return { json: { Id: 'obj-2', Key: `${body && (body.destinationBucket || body.bucketId)}/${body && body.destinationKey}` } }
      if (rest === '/move') return { json: { message: 'Successfully moved' } }
      if ((x = rest.match(/^\/info\/([^/]+)\/(.+)$/))) {
        return { json: { id: 'obj-1', name: decodeURIComponent(x[2]), version: 'v1', bucket_id: x[1], size: 16, content_type: 'image/png', cache_control: 'max-age=3600', etag: '"e1"', metadata: {}, last_modified: '2026-01-01T00:00:00Z', created_at: '2026-01-01T00:00:00Z' } }
      }
      if ((x = rest.match(/^\/sign\/([^/]+)$/))) {
        const paths = (body && body.paths) || []
        return { json: paths.map(pp => ({ path: pp, signedURL: `/object/sign/${x[1]}/${pp}?token=sig-${pp}`, fullSignedURL: `https://${ENV}.api.tcloudbasegateway.com/v1/storages/object/sign/${x[1]}/${pp}?token=sig-${pp}`, error: null })) }
      }
      if ((x = rest.match(/^\/sign\/([^/]+)\/(.+)$/))) {
        return { json: { signedURL: `/object/sign/${x[1]}/${x[2]}?token=sig-1`, fullSignedURL: `https://${ENV}.api.tcloudbasegateway.com/v1/storages/object/sign/${x[1]}/${x[2]}?token=sig-1` } }
      }
      if ((x = rest.match(/^\/upload\/sign\/([^/]+)\/(.+)$/))) {
        return { json: { url: `/object/upload/sign/${x[1]}/${x[2]}?token=up-1`, fullURL: `https://${ENV}.api.tcloudbasegateway.com/v1/storages/object/upload/sign/${x[1]}/${x[2]}?token=up-1`, token: 'up-1' } }
      }
      if ((x = rest.match(/^\/([^/]+)$/)) && m === 'DELETE') {
        const prefixes = (body && body.prefixes) || []
        return { json: prefixes.map(pp => ({ name: pp, bucket_id: x[1], id: 'obj-1', version: 'v1', updated_at: '2026-01-01T00:00:00Z', created_at: '2026-01-01T00:00:00Z', last_accessed_at: '2026-01-01T00:00:00Z', metadata: {} })) }
      }
      if ((x = rest.match(/^\/([^/]+)\/(.+)$/))) {
        if (m === 'POST' || m === 'PUT') return { json: { Id: 'obj-1', Key: `${x[1]}/${decodeURIComponent(x[2])}` } }
        if (m === 'GET') return { status: 200, headers: { 'Content-Type': 'image/png', ETag: '"e1"' }, body: PNG_BYTES }
        if (m === 'HEAD') return { status: 200, headers: { 'Content-Type': 'image/png', 'Content-Length': String(PNG_BYTES.length), ETag: '"e1"' } }
        if (m === 'DELETE') return { json: { message: 'Successfully deleted' } }
      }
    }

    // ---------------------------------------------------------------- rdb (PostgREST)
    if ((mm = p.match(/^\/v1\/rdb\/rest\/(.+)$/))) {
      const tail = mm[1]
      const accept = String(req.headers.accept || '')
      const prefer = String(req.headers.prefer || '')
      const range = { 'Content-Range': '0-0/1' }
      if (tail.startsWith('rpc/')) {
        if (tail === 'rpc/grade_sizes') return { json: [{ grade: 3, size: 1 }], headers: range }
        return { json: 1 }
      }
      if (m === 'HEAD') return { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Range': '*/1' } }
      if (m === 'GET') {
        if (accept.includes('application/vnd.pgrst.object+json')) {
          return { status: 200, headers: { 'Content-Type': 'application/vnd.pgrst.object+json; charset=utf-8', 'Content-Range': '0-0/1' }, body: JSON.stringify(STUDENTS[0]) }
        }
        return { json: STUDENTS, headers: range }
      }
      const wantsRepresentation = prefer.includes('return=representation')
      if (m === 'POST') {
        if (wantsRepresentation) return { json: Array.isArray(body) ? body.map((r, i) => ({ id: 7 + i, ...r })) : [{ id: 7, ...body }], status: 201, headers: { 'Content-Range': '*/*' } }
        return { status: 201, headers: { 'Content-Range': '*/*' }, body: '' }
      }
      if (m === 'PATCH') {
        if (wantsRepresentation) return { json: [{ ...STUDENTS[0], ...(body || {}) }], headers: { 'Content-Range': '0-0/*' } }
        return { status: 204, headers: { 'Content-Range': '0-0/*' } }
      }
      if (m === 'DELETE') {
        if (wantsRepresentation) return { json: STUDENTS, headers: { 'Content-Range': '0-0/*' } }
        return { status: 204, headers: { 'Content-Range': '0-0/*' } }
      }
    }

    // ---------------------------------------------------------------- NoSQL
    if ((mm = p.match(/^\/v1\/database\/instances\/[^/]+\/databases\/[^/]+(\/.*)$/))) {
      const t = mm[1]
      const doc = { _id: 'd-1', name: 'Li Bai', age: { $numberInt: '30' } }
      if (t === '/collections' && m === 'POST') return { json: {} }
      if (t === '/transactions' && m === 'POST') return { json: { transactionId: 'txn-1' } }
      if (/^\/transactions\/[^/]+\/(commit|rollback)$/.test(t)) return { json: {} }
      if (t === '/commands') {
        return { json: { list: [[{ cursor: { firstBatch: [doc], id: { $numberLong: '0' }, ns: `${ENV}.poets` }, ok: { $numberDouble: '1.0' } }]] } }
      }
      let x
      if ((x = t.match(/^\/collections\/([^/]+)\/documents$/))) {
        if (m === 'POST') {
          const n = Array.isArray(body && body.data) ? body.data.length : 1
          return { json: { insertedIds: Array.from({ length: n }, (_, i) => `d-${i + 1}`) } }
        }
        if (m === 'GET') {
          if (q.get('count') === 'true') return { json: { total: 1 } }
          return { json: { offset: Number(q.get('offset') || 0), limit: Number(q.get('limit') || 100), list: [doc] } }
        }
        if (m === 'PATCH') return { json: { updated: 1, matched: 1, upsert_id: '' } }
      }
      if ((x = t.match(/^\/collections\/([^/]+)\/documents\/remove$/))) return { json: { deleted: 1 } }
      if ((x = t.match(/^\/collections\/([^/]+)\/documents\/aggregations$/))) return { json: { list: [{ _id: { $numberInt: '3' }, count: { $numberInt: '1' } }] } }
      if ((x = t.match(/^\/collections\/([^/]+)\/documents\/([^/]+)$/))) {
        if (m === 'GET') return { json: doc }
        if (m === 'DELETE') return { json: { deleted: 1 } }
        return { json: { updated: 1, matched: 1, upsert_id: '' } }
      }
    }

    // ---------------------------------------------------------------- data models
    if ((mm = p.match(/^\/v1\/model\/(prod|pre)\/([^/]+)\/(.+)$/))) {
      const op = mm[3]
      if (op === 'list') return { json: { data: { records: [{ _id: 'm-1', name: 'Li Bai', grade: 3 }], total: 1 }, requestId } }
      if (op === 'get') return { json: { data: { _id: 'm-1', name: 'Li Bai', grade: 3 }, requestId } }
      return { json: { data: {}, requestId } }
    }
    if (p.startsWith('/v1/sql/')) return { json: { data: { executeResultList: [], total: 0 }, requestId } }

    return json(404, { code: 'NOT_RECORDED', message: `the recorder has no reply for ${m} ${p}`, requestId })
  }

  return { reply, beginCall, endCall }
}

module.exports = { classifyHost, makeReplier, jwt, ENV, COS_HOST, CDN_HOST, CLOUD_OBJECT_ID, FILE_BYTES, PNG_BYTES }
