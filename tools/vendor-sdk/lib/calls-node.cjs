'use strict'
// @cloudbase/node-sdk 3.18.3, driven twice: `--sdk node` with an API key (the `accessKey` init
// option) and `--sdk node-tc3` with SecretId/SecretKey (TC3-HMAC-SHA256 signatures). Only the
// calls that go to the HTTP gateway (https://{env}.api.tcloudbasegateway.com) are driven; the
// rest of node-sdk (event-function callFunction, classic storage, database(), admin auth) still
// talks to the old tcb endpoint ({env}.{region}.tcb-api.tencentcloudapi.com/admin), which the
// Rust client does not implement. Required only after the redirect is installed.

const C = require('./common.cjs')
const { rdbCalls } = require('./calls-js.cjs')

const { ENV, REGION, API_KEY, SECRET_ID, SECRET_KEY, ORDER_QUERY, ORDER_BODY, CHAT, FAULTS } = C

function versions() {
  return {
    '@cloudbase/node-sdk': C.pkgVersion('@cloudbase/node-sdk'),
    '@cloudbase/wx-cloud-client-sdk': C.pkgVersion('@cloudbase/wx-cloud-client-sdk', require('path').join(__dirname, '..', 'node_modules', '@cloudbase', 'node-sdk')),
    '@cloudbase/signature-nodejs': C.pkgVersion('@cloudbase/signature-nodejs'),
  }
}

async function setup({ sdk }) {
  const tcb = require('@cloudbase/node-sdk')
  const config = sdk === 'node-tc3'
    ? { env: ENV, region: REGION, secretId: SECRET_ID, secretKey: SECRET_KEY }
    : { env: ENV, region: REGION, accessKey: API_KEY }
  const app = tcb.init(config)
  return { tcb, app, config }
}

// callContainer resolves with {requestId, statusCode, header, data}; the header object is the
// recorder's own reply headers, so only the fields that say how the reply was read are kept.
const containerSummary = r => (r && typeof r === 'object' && 'statusCode' in r ? { requestId: r.requestId, statusCode: r.statusCode, data: r.data } : r)
// callApis resolves with the raw response {statusCode, headers, body}.
const rawSummary = r => (r && typeof r === 'object' && 'statusCode' in r ? { statusCode: r.statusCode, body: r.body } : r)

function calls() {
  const rdb = ctx => ctx.app.rdb()
  return [
    {
      id: 'auth.client_credential',
      fn: 'app.auth().getClientCredential()',
      run: ({ app }) => app.auth().getClientCredential(),
    },

    // ------------------------------------------------------------------ CloudRun
    {
      id: 'cloudrun.get_query',
      fn: "app.callContainer({name: 'shop', method: 'GET', path: 'orders', data: {page: 1, q: 'green tea'}})",
      run: ({ app }) => app.callContainer({ name: 'shop', method: 'GET', path: 'orders', data: ORDER_QUERY }),
      summary: containerSummary,
    },
    {
      id: 'cloudrun.post',
      fn: "app.callContainer({name: 'shop', method: 'POST', path: 'orders', data: {sku: 'tea', qty: 2}})",
      run: ({ app }) => app.callContainer({ name: 'shop', method: 'POST', path: 'orders', data: ORDER_BODY }),
      summary: containerSummary,
    },
    {
      id: 'cloudrun.put',
      fn: "app.callContainer({name: 'shop', method: 'PUT', path: 'orders/42', data: {sku: 'tea', qty: 2}})",
      run: ({ app }) => app.callContainer({ name: 'shop', method: 'PUT', path: 'orders/42', data: ORDER_BODY }),
      summary: containerSummary,
    },
    {
      id: 'cloudrun.patch',
      fn: "app.callContainer({name: 'shop', method: 'PATCH', path: 'orders/42', data: {sku: 'tea', qty: 2}})",
      run: ({ app }) => app.callContainer({ name: 'shop', method: 'PATCH', path: 'orders/42', data: ORDER_BODY }),
      summary: containerSummary,
    },
    {
      id: 'cloudrun.delete',
      fn: "app.callContainer({name: 'shop', method: 'DELETE', path: 'orders/42'})",
      run: ({ app }) => app.callContainer({ name: 'shop', method: 'DELETE', path: 'orders/42' }),
      summary: containerSummary,
    },
    {
      id: 'cloudrun.root',
      fn: "app.callContainer({name: 'shop', method: 'POST', path: ''})",
      run: ({ app }) => app.callContainer({ name: 'shop', method: 'POST', path: '' }),
      summary: containerSummary,
    },
    {
      id: 'cloudrun.function',
      fn: "app.callFunction({type: 'cloudrun', name: 'shop', method: 'POST', path: 'orders', data: {sku: 'tea', qty: 2}})",
      run: ({ app }) => app.callFunction({ type: 'cloudrun', name: 'shop', method: 'POST', path: 'orders', data: ORDER_BODY }),
    },

    // ------------------------------------------------------------------ APIs
    {
      id: 'apis.call',
      fn: "app.callApis({name: 'plants-http', method: 'POST', path: '/user-plants', body: {page: 1}})",
      run: ({ app }) => app.callApis({ name: 'plants-http', method: 'POST', path: '/user-plants', body: { page: 1 } }),
      summary: rawSummary,
    },

    // ------------------------------------------------------------------ AI
    {
      id: 'ai.chat',
      fn: "app.ai().createModel('cloudbase').generateText({model: 'hunyuan-lite', messages: [{role: 'user', content: 'Hello'}]})",
      run: ({ app }) => app.ai().createModel('cloudbase').generateText({ ...CHAT }),
      summary: r => (r && { text: r.text, messages: r.messages, usage: r.usage, rawResponses: r.rawResponses }) || r,
    },
    {
      id: 'ai.stream',
      fn: "app.ai().createModel('cloudbase').streamText({model: 'hunyuan-lite', messages: [{role: 'user', content: 'Hello'}]}) then read textStream to the end",
      run: async ({ app }) => {
        const res = await app.ai().createModel('cloudbase').streamText({ ...CHAT })
        const chunks = await C.drain(res.textStream)
        return { textChunks: chunks, text: chunks.join('') }
      },
    },

    // ------------------------------------------------------------------ rdb (MySqlClient: no rpc, no schema)
    ...rdbCalls('app.rdb()', rdb, { rpc: false }),

    // ------------------------------------------------------------------ data models
    {
      id: 'model.list',
      fn: "app.models.students.list({filter: {where: {}}, pageSize: 10, pageNumber: 1, getCount: true})",
      run: ({ app }) => app.models.students.list({ filter: { where: {} }, pageSize: 10, pageNumber: 1, getCount: true }),
    },

    // ------------------------------------------------------------------ faults
    {
      id: 'fault.cloudrun_404',
      fn: "app.callContainer({name: 'shop', method: 'POST', path: 'orders', data: {sku: 'tea', qty: 2}}) answered 404 SERVICE_NOT_FOUND",
      fault: FAULTS.cloudrun404,
      run: ({ app }) => app.callContainer({ name: 'shop', method: 'POST', path: 'orders', data: ORDER_BODY }),
      summary: containerSummary,
    },
    {
      id: 'fault.rdb_409',
      fn: "app.rdb().from('students').insert([{name: 'Li Bai', grade: 3}]) answered 409 DATABASE_23505",
      fault: FAULTS.rdb409,
      run: ctx => Promise.resolve(rdb(ctx).from('students').insert([{ name: 'Li Bai', grade: 3 }])).then(r => r),
    },
    {
      id: 'fault.ai_429',
      fn: 'ai.chat answered 429 {error: {code, message, type}}',
      fault: FAULTS.ai429,
      run: ({ app }) => app.ai().createModel('cloudbase').generateText({ ...CHAT }),
      summary: r => (r && { text: r.text, messages: r.messages, usage: r.usage, rawResponses: r.rawResponses }) || r,
    },
    {
      id: 'fault.ai_400',
      fn: 'ai.chat answered 400 {code: AI_INVALID_MODEL, message}',
      fault: FAULTS.ai400,
      run: ({ app }) => app.ai().createModel('cloudbase').generateText({ ...CHAT }),
      summary: r => (r && { text: r.text, messages: r.messages, usage: r.usage, rawResponses: r.rawResponses }) || r,
    },
  ]
}

module.exports = { setup, calls, versions }
