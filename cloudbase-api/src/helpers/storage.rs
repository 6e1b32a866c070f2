//! Cloud storage made short, on the generated [`storage`](crate::storage) operations:
//! [`StorageApi::upload`] gets upload information and PUTs the bytes to the returned URL (a
//! storage host, which never sees the CloudBase credentials); batch download URLs and deletes
//! report each object on its own, so one failure hides nothing. Upload and download URLs the
//! service gives are checked before they are followed or handed back (no control character,
//! whitespace at an end or userinfo; `http(s)` with a host); another host than the gateway's is
//! expected there.
//!
//! ```no_run
//! # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
//! let id = client.storage().upload("poems/静夜思.txt", "床前明月光").await?;
//! let urls = client.storage().download_urls([id.as_str()]).await?;
//! for item in urls {
//!     match item {
//!         Ok(info) => println!("{:?}", info.download_url),
//!         Err(failure) => println!("{}: {:?}", failure.code, failure.message),
//!     }
//! }
//! # Ok(()) }
//! ```

use crate::ErrorBody;
use crate::error::reply_error;
use crate::response::Head;
use crate::runtime::given_url::{self, refusal};
use crate::storage::{
    DeleteObjectsRequestItem, DeleteObjectsResponseItem, DeleteObjectsResponseItemSuccess,
    GetObjectDownloadInfoRequestItem, GetObjectDownloadInfoResponseItemSuccess, GetObjectsDownloadInfoResponseItem,
    GetObjectsUploadInfoRequestItem, GetObjectsUploadInfoResponseItem, StorageApi,
};
use crate::{ApiError, ByteStream, Error};

/// One object of a batch that failed, with the code and message the service gave for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemFailure {
    /// The cloud object id, when the service echoed it.
    pub cloud_object_id: Option<String>,
    /// The error code (`OBJECT_NOT_EXIST`, `STORAGE_EXCEED_AUTHORITY`, ...).
    pub code: String,
    /// The error message.
    pub message: Option<String>,
}

impl ErrorBody for ItemFailure {
    fn code(&self) -> Option<&str> {
        Some(&self.code)
    }

    fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
}

const UPLOAD: &str = "getObjectsUploadInfo";

/// The first bytes of an error reply from a host other than the gateway, enough for a snippet:
/// however large the body, no more is read.
async fn start_of(mut response: reqwest::Response) -> Vec<u8> {
    let mut start = Vec::new();
    while start.len() < crate::error::SNIPPET_LIMIT
        && let Ok(Some(chunk)) = response.chunk().await
    {
        start.extend_from_slice(&chunk);
    }
    start
}

/// What errors of the upload's second step, the `PUT` to the storage host's upload URL, are
/// reported under (it is no operation of the spec).
pub const UPLOAD_PUT: &str = "PUT to the storage host";

impl StorageApi {
    /// Uploads `body` as `object_id` (a path in the bucket, e.g. `images/cat.jpg`) and returns
    /// its cloud object id (`cloud://...`). The object's media type follows its name's extension
    /// (`image/jpeg` for `.jpg`; `application/octet-stream` when unknown): use
    /// [`upload_with_content_type`](Self::upload_with_content_type) to give it.
    ///
    /// As the vendor's SDKs upload, the body's length and media type are signed into the upload
    /// information (`signedHeader`), and the `PUT` sends the same: the storage checks them
    /// against the bucket's size and type limits, and answers `STORAGE_CONTENT_LENGTH_REQUIRED`
    /// to an upload without a known length (a reader: give it one with
    /// [`ByteStream::with_length`]).
    ///
    /// The upload URL is the storage host's (another origin than the gateway's): the `PUT` to
    /// it carries the host's own credentials from the upload information, never the client's
    /// credentials or its configured headers, and follows no redirect to another origin. A URL
    /// that is no `http(s)` URL with a host, or holds a user name or password (which the HTTP
    /// stack would send as an `Authorization` header), a control character (which URL parsing
    /// drops) or whitespace at either end, or is plain `http` while the client's base URL is
    /// `https` (the file and the host's token would travel unencrypted), is an
    /// [`Error::Decode`] of `getObjectsUploadInfo`, and nothing is sent.
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// use cloudbase_api::ByteStream;
    ///
    /// let id = client.storage().upload("poems/a.txt", ByteStream::from_path("a.txt").await?).await?;
    /// let from_memory = client.storage().upload("poems/b.txt", "床前明月光".as_bytes().to_vec()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn upload(&self, object_id: impl Into<String>, body: impl Into<ByteStream>) -> Result<String, Error> {
        let object_id = object_id.into();
        let content_type = mime_guess::from_path(&object_id).first_raw().unwrap_or("application/octet-stream");
        self.upload_with_content_type(object_id, body, content_type).await
    }

    /// [`upload`](Self::upload) with the object's media type given (`text/plain;
    /// charset=utf-8`), rather than taken from its name.
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// let id = client.storage().upload_with_content_type("poems/a", "床前明月光".as_bytes().to_vec(), "text/plain").await?;
    /// # Ok(()) }
    /// ```
    pub async fn upload_with_content_type(
        &self,
        object_id: impl Into<String>,
        body: impl Into<ByteStream>,
        content_type: &str,
    ) -> Result<String, Error> {
        let object_id = object_id.into();
        let body = body.into().for_operation(UPLOAD_PUT);
        let content_type_value =
            reqwest::header::HeaderValue::from_str(content_type).map_err(|_| Error::InvalidRequest {
                operation: UPLOAD,
                message: format!("`{}` is not a media type a header can carry", content_type.escape_debug()),
            })?;
        let length = body.len();
        // What the storage signs the PUT for (js-sdk storage/src/cloudbase-storage.ts:398-418).
        let mut signed = std::collections::BTreeMap::new();
        if let Some(length) = length {
            signed.insert("content-length".to_owned(), vec![length.to_string()]);
        }
        signed.insert("content-type".to_owned(), vec![content_type.to_owned()]);
        let request = GetObjectsUploadInfoRequestItem { object_id: object_id.clone(), signed_header: Some(signed) };
        let reply = self.get_objects_upload_info().body(vec![request]).send().await?;
        let info = match reply.first() {
            Some(GetObjectsUploadInfoResponseItem::Success(info)) => info,
            Some(GetObjectsUploadInfoResponseItem::Error(e)) => {
                let code = e.code.clone().unwrap_or_default();
                return Err(Error::Api(Box::new(ApiError {
                    head: Head::new(UPLOAD, reply.status(), reply.headers().clone()),
                    transient: crate::error::is_transient(reply.status(), Some(&code)),
                    body: Some(Box::new(ItemFailure { cloud_object_id: None, code, message: e.message.clone() })),
                    snippet: None,
                })));
            }
            None => return Err(reply_error(&reply, "the reply has no object in its list")),
        };
        let (Some(url), Some(cloud_object_id)) = (info.upload_url.clone(), info.cloud_object_id.clone()) else {
            return Err(reply_error(&reply, "the upload information has no uploadUrl or cloudObjectId"));
        };
        // Followed by the client: checked first (no control character, which URL parsing
        // drops; no userinfo, which the HTTP stack sends as `Authorization: Basic`; not plain
        // http when the gateway is https).
        let url = given_url::followed(self.client.base_url(), &url)
            .map_err(|why| reply_error(&reply, refusal("uploadUrl", &url, &why)))?;
        // Errors name the storage host, never the URL: its query is the upload's signature.
        let origin = url.origin().ascii_serialization();
        let (http, timeout) = self.client.foreign_http();
        // A body that fails to be read (a file, a reader) is reported as its own error.
        let failure = std::sync::Arc::new(std::sync::Mutex::new(None));
        let body = body.to_reqwest(&failure);
        let mut put =
            http.put(url).timeout(timeout).header(reqwest::header::CONTENT_TYPE, content_type_value).body(body);
        // Storage hosts may refuse a chunked upload: a known length is announced.
        if let Some(length) = length {
            put = put.header(reqwest::header::CONTENT_LENGTH, length);
        }
        // The storage host's own credentials, from the upload information; never CloudBase's.
        for (name, value) in [
            ("Authorization", &info.authorization),
            ("X-Cos-Security-Token", &info.token),
            ("X-Cos-Meta-Fileid", &info.cloud_object_meta),
        ] {
            if let Some(value) = value {
                put = put.header(name, value);
            }
        }
        let response = put.send().await.map_err(|e| {
            failure
                .lock()
                .ok()
                .and_then(|mut slot| slot.take())
                .unwrap_or_else(|| crate::runtime::execute::transport_error(UPLOAD_PUT, &origin, e))
        })?;
        if !response.status().is_success() {
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = start_of(response).await;
            return Err(Error::Api(Box::new(ApiError {
                head: Head::new(UPLOAD_PUT, status, headers),
                transient: crate::error::is_transient(status, None),
                body: None,
                snippet: Some(crate::error::snippet(&body)),
            })));
        }
        Ok(cloud_object_id)
    }

    /// Temporary download URLs, one result per id, in order (valid for the server's default time).
    ///
    /// The URLs are on the storage's own hosts (COS, a CDN), not the gateway's, and are handed
    /// back exactly as the service gave them, once each is known to be an `http(s)` URL with a
    /// host, without a user name or password, a control character (CR, LF, NUL, any of C0, DEL
    /// or C1) or whitespace at either end: a reply with one that is not is an
    /// [`Error::Decode`] of `getObjectsDownloadInfo` (its reason shows the URL with its query
    /// values as `<redacted>`). The client never requests them.
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// for link in client.storage().download_urls(["cloud://env-1a2b.bucket/poems/a.txt"]).await? {
    ///     match link {
    ///         Ok(info) => println!("{:?}", info.download_url),
    ///         Err(failure) => eprintln!("{}: {}", failure.code, failure.message.unwrap_or_default()),
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn download_urls<'a>(
        &self,
        cloud_object_ids: impl IntoIterator<Item = &'a str>,
    ) -> Result<Vec<Result<GetObjectDownloadInfoResponseItemSuccess, ItemFailure>>, Error> {
        self.download_urls_inner(cloud_object_ids, None).await
    }

    /// Temporary download URLs valid for `max_age` (sent as whole seconds, at least 1), one
    /// result per id, in order, checked as [`download_urls`](Self::download_urls) says.
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// use std::time::Duration;
    ///
    /// let links = client.storage()
    ///     .download_urls_valid_for(["cloud://env-1a2b.bucket/poems/a.txt"], Duration::from_secs(120))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn download_urls_valid_for<'a>(
        &self,
        cloud_object_ids: impl IntoIterator<Item = &'a str>,
        max_age: std::time::Duration,
    ) -> Result<Vec<Result<GetObjectDownloadInfoResponseItemSuccess, ItemFailure>>, Error> {
        let seconds = i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX).max(1);
        self.download_urls_inner(cloud_object_ids, Some(seconds)).await
    }

    async fn download_urls_inner<'a>(
        &self,
        cloud_object_ids: impl IntoIterator<Item = &'a str>,
        max_age: Option<i64>,
    ) -> Result<Vec<Result<GetObjectDownloadInfoResponseItemSuccess, ItemFailure>>, Error> {
        let items = cloud_object_ids
            .into_iter()
            .map(|id| GetObjectDownloadInfoRequestItem { cloud_object_id: Some(id.to_owned()), max_age })
            .collect::<Vec<_>>();
        let reply = self.get_objects_download_info().body(items).send().await?;
        // Handed back as given, on whichever host, once each is known to be a plain URL.
        for (index, item) in reply.iter().enumerate() {
            let GetObjectsDownloadInfoResponseItem::Success(info) = item else { continue };
            for (field, url) in
                [("downloadUrl", &info.download_url), ("downloadUrlEncoded", &info.download_url_encoded)]
            {
                if let Some(url) = url
                    && let Err(why) = given_url::absolute(url)
                {
                    return Err(reply_error(&reply, format!("item {index}: {}", refusal(field, url, &why))));
                }
            }
        }
        Ok(reply
            .into_inner()
            .into_iter()
            .map(|item| match item {
                GetObjectsDownloadInfoResponseItem::Success(info) => Ok(info),
                GetObjectsDownloadInfoResponseItem::Error(e) => {
                    Err(ItemFailure { cloud_object_id: None, code: e.code.unwrap_or_default(), message: e.message })
                }
            })
            .collect())
    }

    /// Deletes objects, one result per id, in order.
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// let results = client.storage().delete_files(["cloud://env-1a2b.bucket/poems/a.txt"]).await?;
    /// let failed = results.iter().filter(|result| result.is_err()).count();
    /// # Ok(()) }
    /// ```
    pub async fn delete_files<'a>(
        &self,
        cloud_object_ids: impl IntoIterator<Item = &'a str>,
    ) -> Result<Vec<Result<DeleteObjectsResponseItemSuccess, ItemFailure>>, Error> {
        let items = cloud_object_ids
            .into_iter()
            .map(|id| DeleteObjectsRequestItem { cloud_object_id: Some(id.to_owned()) })
            .collect::<Vec<_>>();
        let reply = self.delete_objects().body(items).send().await?;
        Ok(reply
            .into_inner()
            .into_iter()
            .map(|item| match item {
                DeleteObjectsResponseItem::Success(done) => Ok(done),
                DeleteObjectsResponseItem::Error(e) => Err(ItemFailure {
                    cloud_object_id: e.cloud_object_id,
                    code: e.code.unwrap_or_default(),
                    message: e.message,
                }),
            })
            .collect())
    }
}
