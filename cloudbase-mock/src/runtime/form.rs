//! `multipart/form-data` bodies as the mock received them, parsed by `multer`.

use bytes::Bytes;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// A `multipart/form-data` body: its parts, in the order they came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    parts: Vec<FormPart>,
}

/// One part of a [`Form`].
#[derive(Clone, PartialEq, Eq)]
pub struct FormPart {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    data: Bytes,
}

impl FormPart {
    /// The part's name (`Content-Disposition: form-data; name=...`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file name a file part was sent with.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The part's own `Content-Type`, if it has one.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The part's content.
    pub fn data(&self) -> &Bytes {
        &self.data
    }

    /// The content as text, when it is UTF-8.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.data).ok()
    }
}

impl std::fmt::Debug for FormPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FormPart")
            .field("name", &self.name)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("data", &format_args!("<{} bytes>", self.data.len()))
            .finish()
    }
}

impl Form {
    /// Every part, in the order they came.
    pub fn parts(&self) -> &[FormPart] {
        &self.parts
    }

    /// The first part named `name`.
    pub fn part(&self, name: &str) -> Option<&FormPart> {
        self.parts.iter().find(|p| p.name == name)
    }

    /// The text of the first part named `name`, when it is UTF-8.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.part(name).and_then(FormPart::text)
    }

    /// Parses a body sent with `content_type` (which carries the boundary), as RFC 7578 says.
    pub fn parse(content_type: &str, body: &Bytes) -> Result<Form, String> {
        let boundary = multer::parse_boundary(content_type)
            .map_err(|e| format!("the multipart body has no usable boundary: {e}"))?;
        let chunks = futures_util::stream::once(std::future::ready(Ok::<_, std::io::Error>(body.clone())));
        let mut multipart = multer::Multipart::new(chunks, boundary);
        let mut parts = Vec::new();
        // The whole body is in memory: every step is ready at once, so one poll completes it.
        loop {
            let field =
                ready_now(multipart.next_field()).map_err(|e| format!("the multipart body does not parse: {e}"))?;
            let Some(field) = field else { break };
            let name = field.name().unwrap_or_default().to_owned();
            let file_name = field.file_name().map(str::to_owned);
            let content_type = field.content_type().map(ToString::to_string);
            let data =
                ready_now(field.bytes()).map_err(|e| format!("the multipart part `{name}` does not parse: {e}"))?;
            parts.push(FormPart { name, file_name, content_type, data });
        }
        Ok(Form { parts })
    }
}

/// The output of a future that completes without waiting (its input is all in memory).
fn ready_now<T, E: std::fmt::Display>(future: impl Future<Output = Result<T, E>>) -> Result<T, String> {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result.map_err(|e| e.to_string()),
        Poll::Pending => Err("the multipart parser waited on a body that is all in memory".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of RFC 7578 §4 (one text field), plus a file part as browsers send one.
    #[test]
    fn parses_the_fields_and_files_of_a_form() {
        let body = "--AaB03x\r\n\
             Content-Disposition: form-data; name=\"field1\"\r\n\
             Content-Type: text/plain;charset=UTF-8\r\n\
             Content-Transfer-Encoding: quoted-printable\r\n\r\n\
             Joe owes =E2=82=AC100.\r\n\
             --AaB03x\r\n\
             Content-Disposition: form-data; name=\"file\"; filename=\"blob\"\r\n\
             Content-Type: image/png\r\n\r\n\
             \u{1}PNG\r\n\
             --AaB03x--\r\n";
        let form = Form::parse("multipart/form-data; boundary=AaB03x", &Bytes::from(body)).unwrap();
        assert_eq!(form.parts().len(), 2);
        assert_eq!(form.text("field1"), Some("Joe owes =E2=82=AC100."));
        let file = form.part("file").unwrap();
        assert_eq!((file.file_name(), file.content_type()), (Some("blob"), Some("image/png")));
        assert_eq!(file.data().as_ref(), b"\x01PNG");
        assert!(Form::parse("multipart/form-data", &Bytes::from(body)).unwrap_err().contains("boundary"));
        assert!(Form::parse("multipart/form-data; boundary=other", &Bytes::from(body)).is_err());
    }
}
