'use strict'
// @cloudbase/js-sdk 3.7.0 (its Node build, dist/index.node.cjs.js), initialised with a
// publishable key as a browser app would be. Required only after the redirect is installed.

const C = require('./common.cjs')

const { ENV, REGION, PUBLISHABLE_KEY, USER, PHONE, EMAIL, SUM_ARGS, ORDER_QUERY, ORDER_BODY, CHAT, FAULTS, CLOUD_OBJECT_ID, FILE_BYTES, PNG_BYTES } = C

function versions() {
  return {
    '@cloudbase/js-sdk': C.pkgVersion('@cloudbase/js-sdk'),
  }
}

async function setup() {
  const cloudbase = require('@cloudbase/js-sdk')
  const app = cloudbase.init({ env: ENV, region: REGION, accessKey: PUBLISHABLE_KEY })
  return { cloudbase, app, auth: app.auth, db: null }
}

// Auth results: of a resolved {data, error} (v3 API) the data and error are kept; of a v2
// LoginState (or a v3 result that also spreads one), only its user's profile.
const loginState = (r) => {
  if (!r || typeof r !== 'object') return r
  const out = {}
  if ('data' in r || 'error' in r) {
    out.data = r.data
    out.error = r.error
  }
  if (r.user && typeof r.user === 'object' && typeof r.user.getLocalUserInfo === 'function') {
    out.loginState = { user: r.user.getLocalUserInfo() }
  }
  return Object.keys(out).length ? out : r
}

const STORAGE_BUCKET = 'avatars'
const PG_OBJECT = 'user-1/me.png'

function calls() {
  const rdb = ctx => ctx.app.rdb()
  const db = (ctx) => {
    if (!ctx.db) ctx.db = ctx.app.database()
    return ctx.db
  }
  const pg = ctx => ctx.app.storage.from(STORAGE_BUCKET)
  const list = [
    // ------------------------------------------------------------------ auth, before sign-in
    {
      id: 'auth.send_phone_code',
      fn: "auth.getVerification({phone_number: '+86 13800138000'})",
      run: ({ auth }) => auth.getVerification({ phone_number: PHONE }),
    },
    {
      id: 'auth.verify_code',
      fn: "auth.verify({verification_id: 'vid-1', verification_code: '123456'})",
      run: ({ auth }) => auth.verify({ verification_id: 'vid-1', verification_code: '123456' }),
    },
    {
      id: 'auth.sign_in_verification',
      fn: "auth.signIn({username: '+86 13800138000', verification_token: 'vt-1'})",
      run: ({ auth }) => auth.signIn({ username: PHONE, verification_token: 'vt-1' }),
    },
    {
      id: 'auth.sign_up',
      fn: "auth.signUp({phone_number: '+86 13800138000', verification_code: '123456', verification_token: 'vt-1', name: 'Li Bai', password: 'Passw0rd!', username: 'libai'})",
      run: ({ auth }) => auth.signUp({ phone_number: PHONE, verification_code: '123456', verification_token: 'vt-1', name: 'Li Bai', password: USER.password, username: USER.username }),
    },
    {
      id: 'auth.otp_phone',
      fn: "auth.signInWithOtp({phone: '13800138000'}) then data.verifyOtp({token: '123456'})",
      run: async ({ auth }) => {
        const first = await auth.signInWithOtp({ phone: '13800138000' })
        if (first.error || !first.data || typeof first.data.verifyOtp !== 'function') return first
        return { first: { error: first.error }, second: await first.data.verifyOtp({ token: '123456' }) }
      },
    },
    {
      id: 'auth.otp_phone_user',
      fn: "auth.signInWithOtp({phone: '13800138000', options: {shouldCreateUser: false}})",
      run: ({ auth }) => auth.signInWithOtp({ phone: '13800138000', options: { shouldCreateUser: false } }),
    },
    {
      id: 'auth.sign_in_anonymously',
      fn: 'auth.signInAnonymously({})',
      run: ({ auth }) => auth.signInAnonymously({}),
    },
    {
      id: 'auth.sign_in_password',
      setup: true,
      fn: "auth.signInWithPassword({username: 'libai', password: 'Passw0rd!'})",
      run: ({ auth }) => auth.signInWithPassword({ username: USER.username, password: USER.password }),
    },
    // ------------------------------------------------------------------ auth, signed in
    { id: 'auth.user_me', fn: 'auth.getUser()', run: ({ auth }) => auth.getUser() },
    { id: 'auth.refresh_token', fn: 'auth.refreshSession()', run: ({ auth }) => auth.refreshSession() },
    { id: 'auth.sudo', fn: "auth.sudo({password: 'Passw0rd!'})", run: ({ auth }) => auth.sudo({ password: USER.password }) },
    {
      id: 'auth.set_password',
      fn: "auth.setPassword({new_password: 'N3wPassw0rd!', sudo_token: 'st-1'})",
      run: ({ auth }) => auth.setPassword({ new_password: 'N3wPassw0rd!', sudo_token: 'st-1' }),
    },
    {
      id: 'auth.update_basic_info',
      fn: "auth.updateUserBasicInfo({nickname: 'Li Bai', gender: 'MALE'})",
      run: ({ auth }) => auth.updateUserBasicInfo({ nickname: 'Li Bai', gender: 'MALE' }),
    },
    {
      id: 'auth.provider_uri',
      fn: "auth.genProviderRedirectUri({provider_id: 'wx_open', provider_redirect_uri: 'https://app.example.com/callback', state: 's1'})",
      run: ({ auth }) => auth.genProviderRedirectUri({ provider_id: 'wx_open', provider_redirect_uri: 'https://app.example.com/callback', state: 's1' }),
    },
    {
      id: 'auth.provider_token',
      fn: "auth.grantProviderToken({provider_id: 'wx_open', provider_code: 'code-1', provider_redirect_uri: 'https://app.example.com/callback'})",
      run: ({ auth }) => auth.grantProviderToken({ provider_id: 'wx_open', provider_code: 'code-1', provider_redirect_uri: 'https://app.example.com/callback' }),
    },
    {
      id: 'auth.sign_in_provider',
      fn: "auth.signInWithProvider({provider_token: 'pt-1'})",
      run: ({ auth }) => auth.signInWithProvider({ provider_token: 'pt-1' }),
    },
    {
      id: 'auth.sign_in_ticket',
      fn: "auth.signInWithCustomTicket(async () => 'ticket-1')",
      run: ({ auth }) => auth.signInWithCustomTicket(async () => 'ticket-1'),
    },
    {
      id: 'auth.captcha',
      fn: "auth.createCaptchaData({state: 'POST:/v1/verification', redirect_uri: ''})",
      run: ({ auth }) => auth.createCaptchaData({ state: 'POST:/v1/verification', redirect_uri: '' }),
    },
    {
      id: 'auth.client_credential',
      fn: 'app.auth.getClientCredential()',
      run: ({ auth }) => auth.getClientCredential(),
    },
    {
      id: 'auth.otp_email',
      fn: "auth.signInWithOtp({email: 'libai@example.com'})",
      run: ({ auth }) => auth.signInWithOtp({ email: EMAIL }),
    },
    {
      id: 'auth.otp_reset_password',
      fn: "auth.resetPasswordForEmail('libai@example.com')",
      run: ({ auth }) => auth.resetPasswordForEmail(EMAIL),
    },
    { id: 'auth.otp_reauthenticate', fn: 'auth.reauthenticate()', run: ({ auth }) => auth.reauthenticate() },
    {
      id: 'auth.otp_current_user',
      fn: "auth.getVerification({phone_number: '+86 13800138000', target: 'CUR_USER'})",
      run: ({ auth }) => auth.getVerification({ phone_number: PHONE, target: 'CUR_USER' }),
    },
    // the session is libai's again for everything below
    {
      id: 'auth.sign_in_password_again',
      fn: "auth.signInWithPassword({username: 'libai', password: 'Passw0rd!'})",
      run: ({ auth }) => auth.signInWithPassword({ username: USER.username, password: USER.password }),
    },

    // ------------------------------------------------------------------ functions
    {
      id: 'functions.invoke',
      fn: "app.callFunction({name: 'sum', data: {a: 1, b: 2}})",
      run: ({ app }) => app.callFunction({ name: 'sum', data: SUM_ARGS }),
    },
    {
      id: 'functions.web_get',
      fn: "app.callFunction({name: 'plants-http', method: 'GET', data: {page: 1}})",
      run: ({ app }) => app.callFunction({ name: 'plants-http', method: 'GET', data: { page: 1 } }),
    },
    {
      id: 'functions.web_subpath',
      fn: "app.callFunction({name: 'plants-http', method: 'POST', path: '/user-plants', data: {page: 1}})",
      run: ({ app }) => app.callFunction({ name: 'plants-http', method: 'POST', path: '/user-plants', data: { page: 1 } }),
    },

    // ------------------------------------------------------------------ CloudRun
    {
      id: 'cloudrun.get_query',
      fn: "app.callContainer({name: 'shop', method: 'GET', path: 'orders', data: {page: 1, q: 'green tea'}})",
      run: ({ app }) => app.callContainer({ name: 'shop', method: 'GET', path: 'orders', data: ORDER_QUERY }),
    },
    {
      id: 'cloudrun.post',
      fn: "app.callContainer({name: 'shop', method: 'POST', path: 'orders', data: {sku: 'tea', qty: 2}})",
      run: ({ app }) => app.callContainer({ name: 'shop', method: 'POST', path: 'orders', data: ORDER_BODY }),
    },
    {
      id: 'cloudrun.put',
      fn: "app.callContainer({name: 'shop', method: 'PUT', path: 'orders/42', data: {sku: 'tea', qty: 2}})",
      run: ({ app }) => app.callContainer({ name: 'shop', method: 'PUT', path: 'orders/42', data: ORDER_BODY }),
    },
    {
      id: 'cloudrun.patch',
      fn: "app.callContainer({name: 'shop', method: 'PATCH', path: 'orders/42', data: {sku: 'tea', qty: 2}})",
      run: ({ app }) => app.callContainer({ name: 'shop', method: 'PATCH', path: 'orders/42', data: ORDER_BODY }),
    },
    {
      id: 'cloudrun.delete',
      fn: "app.callContainer({name: 'shop', method: 'DELETE', path: 'orders/42'})",
      run: ({ app }) => app.callContainer({ name: 'shop', method: 'DELETE', path: 'orders/42' }),
    },
    {
      id: 'cloudrun.root',
      fn: "app.callContainer({name: 'shop', method: 'POST', path: ''})",
      run: ({ app }) => app.callContainer({ name: 'shop', method: 'POST', path: '' }),
    },
    {
      id: 'cloudrun.function',
      fn: "app.callFunction({type: 'cloudrun', name: 'shop', method: 'POST', path: 'orders', data: {sku: 'tea', qty: 2}})",
      run: ({ app }) => app.callFunction({ type: 'cloudrun', name: 'shop', method: 'POST', path: 'orders', data: ORDER_BODY }),
    },

    // ------------------------------------------------------------------ APIs
    {
      id: 'apis.call',
      fn: "app.apis['plants-http'].post({path: '/user-plants', body: {page: 1}})",
      run: ({ app }) => app.apis['plants-http'].post({ path: '/user-plants', body: { page: 1 } }),
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

    // ------------------------------------------------------------------ classic storage
    {
      id: 'storage.upload',
      fn: "app.uploadFile({cloudPath: 'poems/a.txt', fileContent: Buffer.from('bright moonlight')})",
      run: ({ app }) => app.uploadFile({ cloudPath: 'poems/a.txt', fileContent: FILE_BYTES }),
    },
    {
      id: 'storage.temp_url',
      fn: `app.getTempFileURL({fileList: [{fileID: '${CLOUD_OBJECT_ID}', maxAge: 120}]})`,
      run: ({ app }) => app.getTempFileURL({ fileList: [{ fileID: CLOUD_OBJECT_ID, maxAge: 120 }] }),
    },
    {
      id: 'storage.download',
      fn: `app.downloadFile({fileID: '${CLOUD_OBJECT_ID}'})`,
      run: ({ app }) => app.downloadFile({ fileID: CLOUD_OBJECT_ID }),
    },
    {
      id: 'storage.delete',
      fn: `app.deleteFile({fileList: ['${CLOUD_OBJECT_ID}']})`,
      run: ({ app }) => app.deleteFile({ fileList: [CLOUD_OBJECT_ID] }),
    },
    {
      id: 'storage.copy',
      fn: `app.copyFile({fileList: [{srcPath: '${CLOUD_OBJECT_ID}', dstPath: 'cloud://${ENV}.6d79-${ENV}-1250000000/poems/b.txt', overwrite: true, removeOriginal: false}]})`,
      run: ({ app }) => app.copyFile({ fileList: [{ srcPath: CLOUD_OBJECT_ID, dstPath: `cloud://${ENV}.6d79-${ENV}-1250000000/poems/b.txt`, overwrite: true, removeOriginal: false }] }),
    },

    // ------------------------------------------------------------------ storage, PostgreSQL mode
    {
      id: 'storage_pg.upload',
      fn: "app.storage.from('avatars').upload('user-1/me.png', <16 PNG bytes>, {contentType: 'image/png', upsert: true})",
      run: ctx => pg(ctx).upload(PG_OBJECT, PNG_BYTES, { contentType: 'image/png', upsert: true }),
    },
    {
      id: 'storage_pg.update',
      fn: "app.storage.from('avatars').update('user-1/me.png', <16 PNG bytes>, {contentType: 'image/png'})",
      run: ctx => pg(ctx).update(PG_OBJECT, PNG_BYTES, { contentType: 'image/png' }),
    },
    {
      id: 'storage_pg.list',
      fn: "app.storage.from('avatars').list('user-1', {limit: 10, sortBy: {column: 'name', order: 'asc'}})",
      run: ctx => pg(ctx).list('user-1', { limit: 10, sortBy: { column: 'name', order: 'asc' } }),
    },
    {
      id: 'storage_pg.sign',
      fn: "app.storage.from('avatars').createSignedUrl('user-1/me.png', 600)",
      run: ctx => pg(ctx).createSignedUrl(PG_OBJECT, 600),
    },
    {
      id: 'storage_pg.sign_batch',
      fn: "app.storage.from('avatars').createSignedUrls(['user-1/me.png', 'user-1/b.png'], 600)",
      run: ctx => pg(ctx).createSignedUrls([PG_OBJECT, 'user-1/b.png'], 600),
    },
    { id: 'storage_pg.info', fn: "app.storage.from('avatars').info('user-1/me.png')", run: ctx => pg(ctx).info(PG_OBJECT) },
    { id: 'storage_pg.exists', fn: "app.storage.from('avatars').exists('user-1/me.png')", run: ctx => pg(ctx).exists(PG_OBJECT) },
    {
      id: 'storage_pg.download',
      fn: "app.storage.from('avatars').download('user-1/me.png')",
      run: async (ctx) => {
        const r = await pg(ctx).download(PG_OBJECT)
        const d = r && r.data
        if (d && typeof d.arrayBuffer === 'function') return { data: { type: d.type, bytes: Buffer.from(await d.arrayBuffer()) }, error: r.error }
        return r
      },
    },
    {
      id: 'storage_pg.move',
      fn: "app.storage.from('avatars').move('user-1/me.png', 'user-1/moved.png')",
      run: ctx => pg(ctx).move(PG_OBJECT, 'user-1/moved.png'),
    },
    {
      id: 'storage_pg.copy',
      fn: "app.storage.from('avatars').copy('user-1/me.png', 'user-1/copy.png')",
      run: ctx => pg(ctx).copy(PG_OBJECT, 'user-1/copy.png'),
    },
    { id: 'storage_pg.remove', fn: "app.storage.from('avatars').remove(['user-1/me.png'])", run: ctx => pg(ctx).remove([PG_OBJECT]) },
    {
      id: 'storage_pg.sign_upload',
      fn: "app.storage.from('avatars').createSignedUploadUrl('user-1/new.png')",
      run: ctx => pg(ctx).createSignedUploadUrl('user-1/new.png'),
    },
    {
      id: 'storage_pg.create_bucket',
      fn: "app.storage.createBucket('avatars', {public: false, fileSizeLimit: 1048576, allowedMimeTypes: ['image/png']})",
      run: ({ app }) => app.storage.createBucket(STORAGE_BUCKET, { public: false, fileSizeLimit: 1048576, allowedMimeTypes: ['image/png'] }),
    },
    {
      id: 'storage_pg.update_bucket',
      fn: "app.storage.updateBucket('avatars', {public: true, fileSizeLimit: null})",
      run: ({ app }) => app.storage.updateBucket(STORAGE_BUCKET, { public: true, fileSizeLimit: null }),
    },
    { id: 'storage_pg.list_buckets', fn: 'app.storage.listBuckets()', run: ({ app }) => app.storage.listBuckets() },
    { id: 'storage_pg.get_bucket', fn: "app.storage.getBucket('avatars')", run: ({ app }) => app.storage.getBucket(STORAGE_BUCKET) },
    { id: 'storage_pg.delete_bucket', fn: "app.storage.deleteBucket('avatars')", run: ({ app }) => app.storage.deleteBucket(STORAGE_BUCKET) },

    // ------------------------------------------------------------------ rdb (PostgREST)
    ...rdbCalls('app.rdb()', rdb, { rpc: true }),

    {
      id: 'rdb.mysql_select',
      fn: "app.mysql().from('students').select('id,name,grade').eq('name', 'Li Bai')",
      run: ctx => Promise.resolve(ctx.app.mysql().from('students').select('id,name,grade').eq('name', 'Li Bai')).then(r => r),
    },

    // ------------------------------------------------------------------ NoSQL
    {
      id: 'nosql.add',
      fn: "app.database().collection('poets').add({name: 'Li Bai', age: 61})",
      run: ctx => db(ctx).collection('poets').add({ name: 'Li Bai', age: 61 }),
    },
    {
      id: 'nosql.query',
      fn: "db.collection('poets').where({age: db.command.gte(18)}).orderBy('age', 'desc').skip(5).limit(10).field({name: true}).get()",
      run: (ctx) => {
        const d = db(ctx)
        return d.collection('poets').where({ age: d.command.gte(18) }).orderBy('age', 'desc').skip(5).limit(10).field({ name: true }).get()
      },
    },
    { id: 'nosql.doc_get', fn: "db.collection('poets').doc('d-1').get()", run: ctx => db(ctx).collection('poets').doc('d-1').get() },
    {
      id: 'nosql.doc_update',
      fn: "db.collection('poets').doc('d-1').update({age: 62})",
      run: ctx => db(ctx).collection('poets').doc('d-1').update({ age: 62 }),
    },
    {
      id: 'nosql.doc_set',
      fn: "db.collection('poets').doc('d-1').set({name: 'Li Bai', age: 62})",
      run: ctx => db(ctx).collection('poets').doc('d-1').set({ name: 'Li Bai', age: 62 }),
    },
    { id: 'nosql.doc_remove', fn: "db.collection('poets').doc('d-1').remove()", run: ctx => db(ctx).collection('poets').doc('d-1').remove() },
    {
      id: 'nosql.where_update',
      fn: "db.collection('poets').where({name: 'Li Bai'}).update({age: 62})",
      run: ctx => db(ctx).collection('poets').where({ name: 'Li Bai' }).update({ age: 62 }),
    },
    { id: 'nosql.remove', fn: "db.collection('poets').where({name: 'Li Bai'}).remove()", run: ctx => db(ctx).collection('poets').where({ name: 'Li Bai' }).remove() },
    {
      id: 'nosql.count',
      fn: "db.collection('poets').where({age: db.command.gte(18)}).count()",
      run: (ctx) => {
        const d = db(ctx)
        return d.collection('poets').where({ age: d.command.gte(18) }).count()
      },
    },
    {
      id: 'nosql.aggregate',
      fn: "db.collection('poets').aggregate().match({age: db.command.gte(18)}).group({_id: '$age', count: $.sum(1)}).end()",
      run: (ctx) => {
        const d = db(ctx)
        const $ = d.command.aggregate
        return d.collection('poets').aggregate().match({ age: d.command.gte(18) }).group({ _id: '$age', count: $.sum(1) }).end()
      },
    },
    { id: 'nosql.create_collection', fn: "db.createCollection('poets')", run: ctx => db(ctx).createCollection('poets') },
    {
      id: 'nosql.transaction',
      fn: 'const t = await db.startTransaction(); await t.commit()',
      run: async (ctx) => {
        const t = await db(ctx).startTransaction()
        const committed = await t.commit()
        return { committed }
      },
    },
    {
      id: 'nosql.run_commands',
      fn: "db.runCommands({commands: [{find: 'poets', filter: {name: 'Li Bai'}}]})",
      run: ctx => db(ctx).runCommands({ commands: [{ find: 'poets', filter: { name: 'Li Bai' } }] }),
    },

    // ------------------------------------------------------------------ data models
    {
      id: 'model.list',
      fn: "app.models.students.list({filter: {where: {}}, pageSize: 10, pageNumber: 1, getCount: true})",
      run: ({ app }) => app.models.students.list({ filter: { where: {} }, pageSize: 10, pageNumber: 1, getCount: true }),
    },

    // ------------------------------------------------------------------ faults (section 3)
    {
      id: 'fault.function_401_expired',
      fn: "app.callFunction({name: 'sum', data: {a: 1, b: 2}}) answered 401 ACCESS_TOKEN_EXPIRED",
      fault: FAULTS.function401,
      run: ({ app }) => app.callFunction({ name: 'sum', data: SUM_ARGS }),
    },
    {
      id: 'fault.function_404',
      fn: "app.callFunction({name: 'sum', data: {a: 1, b: 2}}) answered 404 FUNCTION_NOT_FOUND",
      fault: FAULTS.function404,
      run: ({ app }) => app.callFunction({ name: 'sum', data: SUM_ARGS }),
    },
    {
      id: 'fault.cloudrun_404',
      fn: "app.callContainer({name: 'shop', method: 'POST', path: 'orders', data: {sku: 'tea', qty: 2}}) answered 404 SERVICE_NOT_FOUND",
      fault: FAULTS.cloudrun404,
      run: ({ app }) => app.callContainer({ name: 'shop', method: 'POST', path: 'orders', data: ORDER_BODY }),
    },
    {
      id: 'fault.rdb_409',
      fn: "app.rdb().from('students').insert([{name: 'Li Bai', grade: 3}]) answered 409 DATABASE_23505",
      fault: FAULTS.rdb409,
      run: ctx => rdb(ctx).from('students').insert([{ name: 'Li Bai', grade: 3 }]),
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
    {
      id: 'fault.storage_item_missing',
      fn: `app.getTempFileURL({fileList: ['${CLOUD_OBJECT_ID}']}) answered 200 with an item {code: STORAGE_NOT_EXIST}`,
      fault: FAULTS.storageItemMissing,
      run: ({ app }) => app.getTempFileURL({ fileList: [CLOUD_OBJECT_ID] }),
    },
    {
      id: 'fault.auth_invalid_password',
      fn: "auth.signInWithPassword({username: 'libai', password: 'Passw0rd!'}) answered 400 invalid_password",
      fault: FAULTS.authInvalidPassword,
      run: ({ auth }) => auth.signInWithPassword({ username: USER.username, password: USER.password }),
    },
    {
      id: 'fault.captcha_required',
      fn: "auth.getVerification({phone_number: '+86 13800138000'}) answered 400 captcha_required",
      fault: FAULTS.captchaRequired,
      run: ({ auth }) => auth.getVerification({ phone_number: PHONE }),
    },
    {
      id: 'fault.token_expired_by_time',
      fn: "auth.signInWithPassword({username: 'libai', password: 'Passw0rd!'}) answered expires_in: 31; wait 1.5 s; app.callFunction({name: 'sum', data: {a: 1, b: 2}})",
      fault: FAULTS.tokenExpiresSoon,
      run: async ({ app, auth }) => {
        const signIn = await auth.signInWithPassword({ username: USER.username, password: USER.password })
        await C.sleep(1500)
        const call = await app.callFunction({ name: 'sum', data: SUM_ARGS })
        return { signIn: { error: signIn.error }, call }
      },
    },

    // ------------------------------------------------------------------ sign-out, last
    { id: 'auth.sign_out', fn: 'auth.signOut()', run: ({ auth }) => auth.signOut() },
  ]
  return list.map(c => (/^(auth|fault\.(auth|captcha|token))/.test(c.id) && !c.summary ? { ...c, summary: loginState } : c))
}

// The rdb calls, shared by both drivers (`client` gives the PostgREST-style client).
function rdbCalls(label, client, { rpc }) {
  const list = [
    {
      id: 'rdb.select',
      fn: `${label}.from('students').select('id,name,grade', {count: 'exact'}).eq('name', 'Li Bai').gte('grade', 3).order('grade', {ascending: false, nullsFirst: false}).range(0, 9)`,
      run: ctx => client(ctx).from('students').select('id,name,grade', { count: 'exact' }).eq('name', 'Li Bai').gte('grade', 3).order('grade', { ascending: false, nullsFirst: false }).range(0, 9),
    },
    {
      id: 'rdb.single',
      fn: `${label}.from('students').select('id,name,grade').eq('id', 7).single()`,
      run: ctx => client(ctx).from('students').select('id,name,grade').eq('id', 7).single(),
    },
    {
      id: 'rdb.in_or',
      fn: `${label}.from('students').select().in('grade', [3, 4]).or('status.eq.active,deleted_at.is.null')`,
      run: ctx => client(ctx).from('students').select().in('grade', [3, 4]).or('status.eq.active,deleted_at.is.null'),
    },
    {
      id: 'rdb.ilike',
      fn: `${label}.from('students').select().ilike('name', '%bai%')`,
      run: ctx => client(ctx).from('students').select().ilike('name', '%bai%'),
    },
    {
      id: 'rdb.insert',
      fn: `${label}.from('students').insert([{name: 'Li Bai', grade: 3}])`,
      run: ctx => client(ctx).from('students').insert([{ name: 'Li Bai', grade: 3 }]),
    },
    {
      id: 'rdb.upsert',
      fn: `${label}.from('students').upsert([{id: 7, name: 'Li Bai', grade: 3}], {onConflict: 'id'})`,
      run: ctx => client(ctx).from('students').upsert([{ id: 7, name: 'Li Bai', grade: 3 }], { onConflict: 'id' }),
    },
    {
      id: 'rdb.update',
      fn: `${label}.from('students').update({grade: 4}).eq('id', 7).select()`,
      run: ctx => client(ctx).from('students').update({ grade: 4 }).eq('id', 7).select(),
    },
    {
      id: 'rdb.delete',
      fn: `${label}.from('students').delete().eq('id', 7)`,
      run: ctx => client(ctx).from('students').delete().eq('id', 7),
    },
    {
      id: 'rdb.head_count',
      fn: `${label}.from('students').select('*', {count: 'exact', head: true})`,
      run: ctx => client(ctx).from('students').select('*', { count: 'exact', head: true }),
    },
    {
      id: 'rdb.rpc',
      fn: `${label}.rpc('grade_sizes', {min_grade: 3})`,
      run: (ctx) => {
        const db = client(ctx)
        return db.rpc('grade_sizes', { min_grade: 3 })
      },
    },
  ]
  if (rpc) {
    list.push(
      {
        id: 'rdb.rpc_get',
        fn: `${label}.rpc('count_students', {min_grade: 3}, {get: true})`,
        run: (ctx) => {
          const db = client(ctx)
          return db.rpc('count_students', { min_grade: 3 }, { get: true })
        },
      },
      {
        id: 'rdb.schema',
        fn: `${label}.schema('public').from('students').select('id,name,grade')`,
        run: ctx => client(ctx).schema('public').from('students').select('id,name,grade'),
      },
    )
  }
  // a PostgREST builder is a thenable: awaiting it sends the request
  return list.map(c => ({ ...c, run: ctx => Promise.resolve(c.run(ctx)).then(r => r) }))
}

module.exports = { setup, calls, versions, rdbCalls }
