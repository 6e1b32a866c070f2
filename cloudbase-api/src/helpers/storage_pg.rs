//! PG-mode storage made short, on the generated [`storage_pg`](crate::storage_pg) operations:
//! one bucket's objects through [`Objects`] — uploads and downloads streamed (never held in
//! memory whole, with progress through [`ByteStream::on_progress`]), the listing as a
//! [`Stream`] over its cursor pages, signed and public URLs as absolute URLs.
//!
//! ```no_run
//! # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
//! use cloudbase_api::ByteStream;
//! use futures_util::TryStreamExt;
//!
//! let avatars = client.storage_pg().objects("avatars");
//! let photo = ByteStream::from_path("me.png").await?.on_progress(|p| println!("{} bytes sent", p.transferred()));
//! let key = avatars.upload("user-1/me.png", photo).content_type("image/png").upsert(true).send().await?;
//! println!("stored as {key}");
//!
//! let written = avatars.download("user-1/me.png").await?.write_to_file("copy.png").await?;
//! println!("{written} bytes downloaded");
//!
//! let mut names = avatars.list("user-1/");
//! while let Some(entry) = names.try_next().await? {
//!     println!("{}", entry.name());
//! }
//! let link = avatars.signed_url("user-1/me.png", 600).await?;
//! println!("valid for 10 minutes: {link}");
//! # Ok(()) }
//! ```

use crate::error::reply_error;
use crate::runtime::given_url::refusal;
use crate::storage_pg::{
    Bucket, CreateBucketRequest, DeleteObjectsRequest, DownloadObjectResponse, FullObject, ListObjectsEntry,
    ListObjectsRequest, SignBatchItem, SignBatchRequest, SignRequest, StoragePgApi,
};
use crate::{ByteStream, Error};
use futures_util::Stream;

/// Where every URL of the API sits, relative to the gateway: signed URLs the service returns are
/// relative to it.
const PREFIX: &str = "/v1/storages";

impl StoragePgApi {
    /// The bucket `id`, created first when there is none (public-read or not; as the JS SDK does,
    /// the id is sent as the name too). A bucket that exists is returned as it is, whatever its
    /// settings; one created by someone else at the same moment (409) is read back.
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// let bucket = client.storage_pg().ensure_bucket("avatars", false).await?;
    /// println!("{} (public: {})", bucket.id, bucket.public);
    /// # Ok(()) }
    /// ```
    pub async fn ensure_bucket(&self, id: impl Into<String>, public: bool) -> Result<Bucket, Error> {
        let id = id.into();
        match self.get_bucket().bucket_id(id.clone()).send().await {
            Ok(bucket) => return Ok(bucket.into_inner()),
            Err(e) if e.status() == Some(404) => {}
            Err(e) => return Err(e),
        }
        let request = CreateBucketRequest {
            id: Some(id.clone()),
            name: id.clone(),
            public: Some(public),
            r#type: None,
            file_size_limit: None,
            allowed_mime_types: None,
        };
        match self.create_bucket().body(request).send().await {
            Ok(_) => {}
            Err(e) if e.status() == Some(409) => {}
            Err(e) => return Err(e),
        }
        Ok(self.get_bucket().bucket_id(id).send().await?.into_inner())
    }

    /// The objects of one bucket.
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// let avatars = client.storage_pg().objects("avatars");
    /// let key = avatars.upload("user-1/me.png", b"\x89PNG".to_vec()).content_type("image/png").send().await?;
    /// let bytes = avatars.download("user-1/me.png").await?.collect().await?;
    /// println!("{key}: {} bytes", bytes.len());
    /// # Ok(()) }
    /// ```
    pub fn objects(&self, bucket: impl Into<String>) -> Objects {
        Objects { api: self.clone(), bucket: bucket.into() }
    }
}

/// The objects of one bucket: get one from [`StoragePgApi::objects`].
///
/// # Signed URLs
///
/// The service signs URLs relative to `/v1/storages` (`/object/sign/<bucket>/<name>?token=…`);
/// [`signed_url`](Self::signed_url), [`signed_urls`](Self::signed_urls) and
/// [`signed_upload_url`](Self::signed_upload_url) resolve them on the client's base URL (its
/// path included) by the WHATWG URL rules, and hand back only a URL that stays there:
///
/// - a URL holding a control character (CR, LF, NUL, any of C0, DEL or C1), starting or ending
///   with whitespace, or that is no URL is refused: URL parsing would drop or trim those
///   characters and give another URL than the one the service sent;
/// - one whose dot segments (`..`, `%2E%2E`, between `/` or `\`, or between encoded
///   separators `%2F`, `%5C`) climb out of `/v1/storages/` is refused: it would name another
///   route of the gateway (`../../v1/functions/...`); dot segments that stay under it are
///   resolved;
/// - one with a user name or password, or on another origin than the base URL's (an absolute
///   URL, or one starting with `//`), is refused: the token it carries is the gateway's, and
///   the reference documents none elsewhere.
///
/// Each refusal is an [`Error::Decode`] of the signing operation whose reason shows the URL with
/// its query values and userinfo as `<redacted>` (the token never shows) and control characters
/// escaped. The client never requests a signed URL itself:
/// [`upload_signed`](Self::upload_signed) sends the token to the base URL's own route.
#[derive(Debug, Clone)]
pub struct Objects {
    api: StoragePgApi,
    bucket: String,
}

/// An upload being set up: [`content_type`](Self::content_type), [`upsert`](Self::upsert),
/// then [`send`](Self::send).
#[derive(Debug)]
#[must_use = "an upload does nothing until it is sent"]
pub struct Upload {
    objects: Objects,
    name: String,
    body: ByteStream,
    content_type: Option<String>,
    cache_control: Option<String>,
    upsert: bool,
}

impl Upload {
    /// The object's media type (`image/png`); `application/octet-stream` when unset.
    pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
        self.content_type = Some(media_type.into());
        self
    }

    /// The `Cache-Control` stored with the object and answered on downloads (`max-age=3600`).
    pub fn cache_control(mut self, directive: impl Into<String>) -> Self {
        self.cache_control = Some(directive.into());
        self
    }

    /// Replaces an object of the same name instead of failing with 409 (`x-upsert: true`).
    pub fn upsert(mut self, upsert: bool) -> Self {
        self.upsert = upsert;
        self
    }

    /// Uploads the body, streamed as the raw body of `uploadObject`, and returns the stored
    /// object's key (`<bucket>/<name>`).
    pub async fn send(self) -> Result<String, Error> {
        let mut request = self
            .objects
            .api
            .upload_object()
            .bucket_id(self.objects.bucket)
            .object_name(self.name)
            .x_upsert(self.upsert)
            .bytes(self.body);
        if let Some(media_type) = self.content_type {
            request = request.content_type(media_type);
        }
        if let Some(directive) = self.cache_control {
            request = request.cache_control(directive);
        }
        Ok(request.send().await?.into_inner().key)
    }
}

/// One entry of a listing: a folder (a common prefix, with `with_delimiter`) or an object.
#[derive(Debug, Clone, PartialEq)]
pub enum Listed {
    /// A folder under the listed prefix.
    Folder(ListObjectsEntry),
    /// An object.
    Object(ListObjectsEntry),
}

impl Listed {
    /// The entry's name.
    pub fn name(&self) -> &str {
        match self {
            Listed::Folder(entry) | Listed::Object(entry) => &entry.name,
        }
    }

    /// The entry's details, whichever it is.
    pub fn entry(&self) -> &ListObjectsEntry {
        match self {
            Listed::Folder(entry) | Listed::Object(entry) => entry,
        }
    }
}

/// The entries of [`Objects::list`], a page at a time as they are read: a [`Stream`] of
/// [`Listed`] (with `futures_util::TryStreamExt`: `try_next`, `try_collect`, ...). An error
/// ends it.
#[must_use = "a listing reads nothing until it is polled"]
pub struct Listing(std::pin::Pin<Box<dyn Stream<Item = Result<Listed, Error>> + Send>>);

impl Stream for Listing {
    type Item = Result<Listed, Error>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.0.as_mut().poll_next(cx)
    }
}

impl std::fmt::Debug for Listing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listing").finish_non_exhaustive()
    }
}

/// A signed upload URL: where anyone holding it may upload the object, without credentials.
/// `Debug` shows the URL with its token `<redacted>`, and not the token.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedUpload {
    /// The absolute URL, token included.
    pub url: String,
    /// The token alone (for [`Objects::upload_signed`]).
    pub token: String,
}

impl std::fmt::Debug for SignedUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedUpload")
            .field("url", &crate::runtime::redact::ShownUrl(&self.url))
            .field("token", &crate::runtime::Redacted)
            .finish()
    }
}

/// Page size of [`Objects::list`] (the most the service allows).
const PAGE: i64 = 1000;

/// The most pages in a row without an entry a [`Listing`] reads before it ends in an error
/// ([`Error::Decode`]): a service that keeps answering `hasNext` with empty pages, each with a
/// fresh cursor, would otherwise be listed for ever.
pub const MAX_EMPTY_PAGES: u32 = 16;

/// Names per call of [`Objects::remove`] (the spec's `maxItems`).
const REMOVE_BATCH: usize = 100;

/// Names per call of [`Objects::signed_urls`] (the spec's `maxItems`).
const SIGN_BATCH: usize = 500;

impl Objects {
    /// The bucket's id.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// An upload of `body` as `name` (a path in the bucket, `user-1/avatar.png`).
    pub fn upload(&self, name: impl Into<String>, body: impl Into<ByteStream>) -> Upload {
        Upload {
            objects: self.clone(),
            name: name.into(),
            body: body.into(),
            content_type: None,
            cache_control: None,
            upsert: false,
        }
    }

    /// The object's content, streamed: [`ByteStream::write_to_file`], [`ByteStream::write_to`]
    /// or [`ByteStream::into_async_read`] take it without holding it in memory.
    pub async fn download(&self, name: impl Into<String>) -> Result<ByteStream, Error> {
        let reply = self.api.download_object().bucket_id(self.bucket.clone()).object_name(name).send().await?;
        match reply.value {
            DownloadObjectResponse::Ok(body) | DownloadObjectResponse::PartialContent(body) => Ok(body),
            // Only a conditional request (which this is not) is answered 304.
            DownloadObjectResponse::NotModified(_) => {
                Err(reply_error(&reply.map(|_| ()), "304 to an unconditional download"))
            }
        }
    }

    /// Every object and folder under `prefix` (`""` for the bucket's root, `user-1/` for a
    /// folder), page after page as the stream is read. Folders come as [`Listed::Folder`]: the
    /// listing groups by `/`. A service whose `hasNext` would never end the listing ends it in
    /// an [`Error::Decode`] instead: a `nextCursor` missing or named before (A, B, A), or
    /// [`MAX_EMPTY_PAGES`] pages in a row without an entry.
    pub fn list(&self, prefix: impl Into<String>) -> Listing {
        let state = Pages {
            objects: self.clone(),
            prefix: prefix.into(),
            cursor: None,
            seen: std::collections::HashSet::new(),
            empty_pages: 0,
            done: false,
            ready: Vec::new(),
        };
        Listing(Box::pin(futures_util::stream::try_unfold(state, |mut state| async move {
            loop {
                if let Some(entry) = state.ready.pop() {
                    return Ok(Some((entry, state)));
                }
                if state.done {
                    return Ok(None);
                }
                state.next_page().await?;
            }
        })))
    }

    /// A URL that downloads the object without credentials for `expires_in` seconds (absolute:
    /// the client's base URL and the path the service signed, relative to `/v1/storages`).
    ///
    /// The service's URL is checked before it is handed back (see [Signed URLs](Objects#signed-urls)):
    /// one that holds a control character, starts or ends with whitespace, is no URL, carries
    /// userinfo, or leads out of `/v1/storages/` on the base URL's origin is an
    /// [`Error::Decode`] of `createSignedUrl`.
    pub async fn signed_url(&self, name: impl Into<String>, expires_in: i64) -> Result<String, Error> {
        let reply = self
            .api
            .create_signed_url()
            .bucket_id(self.bucket.clone())
            .object_name(name)
            .body(SignRequest { expires_in })
            .send()
            .await?;
        self.absolute(&reply.signed_url)
            .map_err(|why| reply_error(&reply, refusal("signedURL", &reply.signed_url, &why)))
    }

    /// Signed download URLs for several objects, in the order asked (in batches of the most one
    /// call takes, 500); an object the service could not sign is the error it gave for it. A
    /// failing batch fails the whole, and so does a URL that is not as
    /// [`signed_url`](Self::signed_url) says (an [`Error::Decode`] of `createSignedUrls`).
    pub async fn signed_urls(
        &self,
        names: impl IntoIterator<Item = impl Into<String>>,
        expires_in: i64,
    ) -> Result<Vec<Result<String, String>>, Error> {
        let names: Vec<String> = names.into_iter().map(Into::into).collect();
        let mut urls = Vec::with_capacity(names.len());
        for batch in names.chunks(SIGN_BATCH) {
            let body = SignBatchRequest { expires_in, paths: batch.to_vec() };
            let reply = self.api.create_signed_urls().bucket_id(self.bucket.clone()).body(body).send().await?;
            // By the path each item names, not its position: nothing says the order is kept.
            let signed: std::collections::HashMap<&str, &SignBatchItem> =
                reply.iter().map(|item| (item.path.as_str(), item)).collect();
            for name in batch {
                urls.push(match signed.get(name.as_str()) {
                    Some(SignBatchItem { error: Some(error), .. }) => Err(error.clone()),
                    Some(SignBatchItem { signed_url: Some(url), .. }) => {
                        Ok(self.absolute(url).map_err(|why| reply_error(&reply, refusal("signedURL", url, &why)))?)
                    }
                    _ => Err(format!("the service gave no URL for `{name}`")),
                });
            }
        }
        Ok(urls)
    }

    /// A URL anyone may upload `name` to, without credentials, for a short while (60 s by the
    /// reference), and its token; `upsert` lets that upload replace an existing object. The URL
    /// is checked and made absolute as [`signed_url`](Self::signed_url) says (an
    /// [`Error::Decode`] of `createSignedUploadUrl` when it is unfit).
    pub async fn signed_upload_url(&self, name: impl Into<String>, upsert: bool) -> Result<SignedUpload, Error> {
        let reply = self
            .api
            .create_signed_upload_url()
            .bucket_id(self.bucket.clone())
            .object_name(name)
            .x_upsert(upsert)
            .send()
            .await?;
        let url = self.absolute(&reply.url).map_err(|why| reply_error(&reply, refusal("url", &reply.url, &why)))?;
        Ok(SignedUpload { url, token: reply.into_inner().token })
    }

    /// Uploads `body` as `name` with the token of a [`signed_upload_url`](Self::signed_upload_url)
    /// (sent as the URL's `token`; the client's own credentials are not sent). Returns the key.
    pub async fn upload_signed(
        &self,
        name: impl Into<String>,
        token: impl Into<String>,
        body: impl Into<ByteStream>,
        content_type: Option<&str>,
    ) -> Result<String, Error> {
        let mut request = self
            .api
            .upload_object_by_signed_url()
            .bucket_id(self.bucket.clone())
            .object_name(name)
            .token(token)
            .bytes(body);
        if let Some(media_type) = content_type {
            request = request.content_type(media_type);
        }
        Ok(request.send().await?.into_inner().key)
    }

    /// Deletes the objects `names` (exact names), in batches of the most one call takes (100),
    /// and returns the rows of those deleted; a name that matched nothing is simply not among
    /// them. A failing batch stops there: the batches before it are deleted.
    pub async fn remove(&self, names: impl IntoIterator<Item = impl Into<String>>) -> Result<Vec<FullObject>, Error> {
        let names: Vec<String> = names.into_iter().map(Into::into).collect();
        let mut deleted = Vec::new();
        for batch in names.chunks(REMOVE_BATCH) {
            let request = DeleteObjectsRequest { prefixes: batch.to_vec() };
            let reply = self.api.delete_objects().bucket_id(self.bucket.clone()).body(request).send().await?;
            deleted.extend(reply.into_inner());
        }
        Ok(deleted)
    }

    /// The URL of `name` in a public bucket, readable by anyone: the `url()` of
    /// [`download_public_object`](StoragePgApi::download_public_object) (absolute; each segment
    /// of the name percent-encoded, `/` kept; a name with a `.` or `..` segment, which would
    /// lead elsewhere, is refused). Browsers may not fetch it cross-origin: the service is
    /// reported to answer 403 to requests with an `Origin`.
    pub fn public_url(&self, name: impl Into<String>) -> Result<String, Error> {
        self.api.download_public_object().bucket_id(self.bucket.clone()).object_name(name).url()
    }

    /// `given`, a signed URL relative to [`PREFIX`] (or absolute, on the base URL's origin),
    /// resolved on the client's base URL; why not, when it is unfit or leads out of the prefix
    /// (`crate::runtime::given_url`).
    fn absolute(&self, given: &str) -> Result<String, String> {
        let inner = &self.api.client.inner;
        let root = format!("{}{PREFIX}/", inner.base_path);
        Ok(crate::runtime::given_url::under(&inner.base, &root, given)?.into())
    }
}

/// The state of a [`Listing`]: the entries of the page read, in reverse, and where the next
/// page starts.
struct Pages {
    objects: Objects,
    prefix: String,
    cursor: Option<String>,
    /// Every cursor followed so far: one named again would list the same pages for ever.
    seen: std::collections::HashSet<String>,
    /// Pages in a row without an entry, up to [`MAX_EMPTY_PAGES`].
    empty_pages: u32,
    done: bool,
    ready: Vec<Listed>,
}

impl Pages {
    async fn next_page(&mut self) -> Result<(), Error> {
        let request = ListObjectsRequest {
            prefix: Some(self.prefix.clone()),
            limit: Some(PAGE),
            cursor: self.cursor.clone(),
            with_delimiter: Some(true),
            sort_by: None,
        };
        let reply = self.objects.api.list_objects().bucket_id(self.objects.bucket.clone()).body(request).send().await?;
        let next = reply.next_cursor.clone().filter(|c| !c.is_empty());
        if let Some(cursor) = &self.cursor {
            self.seen.insert(cursor.clone());
        }
        let empty = reply.folders.is_empty() && reply.objects.is_empty();
        self.empty_pages = if empty { self.empty_pages.saturating_add(1) } else { 0 };
        if reply.has_next {
            // A cursor that does not move, or comes back, would list the same pages for ever.
            match &next {
                Some(cursor) if !self.seen.contains(cursor) => {}
                _ => return Err(reply_error(&reply, "`hasNext` without a new `nextCursor` (one not seen before)")),
            }
            if self.empty_pages >= MAX_EMPTY_PAGES {
                let reason = format!("`hasNext` after {MAX_EMPTY_PAGES} empty pages in a row (MAX_EMPTY_PAGES)");
                return Err(reply_error(&reply, reason));
            }
        } else {
            self.done = true;
        }
        self.cursor = next;
        let page = reply.into_inner();
        let entries = page.folders.into_iter().map(Listed::Folder).chain(page.objects.into_iter().map(Listed::Object));
        let mut entries: Vec<Listed> = entries.collect();
        entries.reverse();
        self.ready = entries;
        Ok(())
    }
}
