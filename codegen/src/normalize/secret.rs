//! How `Debug` shows each property (the "secret field" and "URL field" rows of the type
//! mapping): a secret's value as `<redacted>`, a URL through the runtime's URL redactor (its
//! credential-bearing query values and its password `<redacted>`, the rest shown), anything else
//! as derived.
//!
//! In this order (the first rule that speaks decides):
//! 1. `x-sensitive: true` on the property, on the schema its `$ref` leads to, or on its array
//!    items: secret; `x-sensitive: false` there: shown as derived, whatever the rules below say;
//! 2. its schema (or its array items' schema) is `format: password`: secret;
//! 3. it holds text (a string, or an array of strings; not a number, a boolean, an enum or an
//!    object) and its name, split into words (`access_token`, `accessToken`, `x-captcha-token`
//!    -> `access token`, ...), ends in a credential word: [`SECRET_WORDS`] as the last word, or
//!    [`SECRET_PAIRS`] as the last two; or it is `code` beside a `grant_type` property (an
//!    OAuth 2.0 token request, RFC 6749 section 4.1.3, where `code` is the authorization code):
//!    secret;
//! 4. it holds text and its schema (or its items') is `format: uri`, `uri-reference`, `url`,
//!    `iri` or `iri-reference`, or its name ends in [`URL_WORDS`] (`url`, `signedURL`,
//!    `full_signed_url`, `avatarUrl`, `redirect_uri`, `file_urls`), or in one of them and
//!    `encoded` (`downloadUrlEncoded`): a URL.
//!
//! So `token_type`, `expires_in`, `max_tokens`/`total_tokens` (counters: plural, and numbers),
//! `has_password` (a boolean), `password_updated_at` and an error's `code` stay visible; and so
//! does a URL's host, path and ordinary query, while a signed link's token does not.

use super::Normalizer;
use crate::error::{Error, Pointer};
use crate::ir::Shown;
use crate::names;
use openapiv3::{ReferenceOr, Schema, SchemaKind, StringFormat, VariantOrUnknownOrEmpty};
use std::borrow::Borrow;

/// Last words of a name that make a text property secret.
pub const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "ticket",
    "authorization",
    "credential",
    "credentials",
    "verifier",
];

/// Last two words of a name that make a text property secret (one-time codes and keys).
pub const SECRET_PAIRS: &[(&str, &str)] = &[
    ("verification", "code"),
    ("authorization", "code"),
    ("auth", "code"),
    ("device", "code"),
    ("provider", "code"),
    ("api", "key"),
    ("access", "key"),
    ("secret", "key"),
    ("private", "key"),
];

/// Last words of a name that make a text property a URL (or the word before a last `encoded`).
pub const URL_WORDS: &[&str] = &["url", "uri", "urls", "uris"];

/// `format`s of a string that holds a URL.
pub const URL_FORMATS: &[&str] = &["uri", "uri-reference", "url", "iri", "iri-reference"];

/// Chains of `$ref` followed to find a schema's own keywords.
const MAX_CHAIN: usize = 32;

/// The words of a wire name, lower case: `verificationCode` -> `["verification", "code"]`.
fn words(wire_name: &str) -> Vec<String> {
    names::snake(wire_name, "").split('_').filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

/// Rule 3: whether a text property called `wire_name`, beside `siblings`, is named like a credential.
pub fn secret_name<'s>(wire_name: &str, siblings: impl IntoIterator<Item = &'s str>) -> bool {
    let words = words(wire_name);
    match words.as_slice() {
        [] => false,
        [only] if only == "code" => siblings.into_iter().any(|s| words_of_is(s, &["grant", "type"])),
        [.., last] if SECRET_WORDS.contains(&last.as_str()) => true,
        [.., first, last] => SECRET_PAIRS.iter().any(|(a, b)| first == a && last == b),
        _ => false,
    }
}

/// Rule 4's name part: whether a text property called `wire_name` is named like a URL.
pub fn url_name(wire_name: &str) -> bool {
    let words = words(wire_name);
    match words.as_slice() {
        [.., last] if URL_WORDS.contains(&last.as_str()) => true,
        [.., word, last] => last == "encoded" && URL_WORDS.contains(&word.as_str()),
        _ => false,
    }
}

fn words_of_is(name: &str, expected: &[&str]) -> bool {
    words(name) == expected
}

impl Normalizer<'_> {
    /// The schema a property or variant stands for, following `$ref`s; `None` for a dangling or
    /// looping `$ref` (building its type reports that).
    fn followed<'s, S: Borrow<Schema>>(&'s self, schema: &'s ReferenceOr<S>) -> Option<&'s Schema> {
        let mut reference = match schema {
            ReferenceOr::Item(schema) => return Some(schema.borrow()),
            ReferenceOr::Reference { reference } => reference.as_str(),
        };
        let schemas = &self.document.components.as_ref()?.schemas;
        for _ in 0..MAX_CHAIN {
            let name = reference.strip_prefix("#/components/schemas/")?;
            match schemas.get(name)? {
                ReferenceOr::Item(schema) => return Some(schema),
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
        None
    }

    /// Rules 1 and 2 for one schema: `Some(true)` or `Some(false)` when the schema itself says.
    pub(crate) fn stated_secrecy<S: Borrow<Schema>>(
        &self,
        schema: &ReferenceOr<S>,
        pointer: &Pointer,
    ) -> Result<Option<bool>, Error> {
        self.stated_secrecy_within(schema, pointer, 0)
    }

    /// `depth` bounds arrays of arrays (`A: {type: array, items: {$ref: A}}` never ends).
    fn stated_secrecy_within<S: Borrow<Schema>>(
        &self,
        schema: &ReferenceOr<S>,
        pointer: &Pointer,
        depth: usize,
    ) -> Result<Option<bool>, Error> {
        let Some(schema) = self.followed(schema) else { return Ok(None) };
        if let Some(value) = schema.schema_data.extensions.get("x-sensitive") {
            return match value.as_bool() {
                Some(flag) => Ok(Some(flag)),
                None => Err(self.error(&pointer.join("x-sensitive"), "`x-sensitive` must be `true` or `false`")),
            };
        }
        match &schema.schema_kind {
            SchemaKind::Type(openapiv3::Type::String(s))
                if matches!(s.format, VariantOrUnknownOrEmpty::Item(StringFormat::Password)) =>
            {
                Ok(Some(true))
            }
            SchemaKind::Type(openapiv3::Type::Array(a)) if depth < MAX_CHAIN => match &a.items {
                Some(items) => self.stated_secrecy_within(items, &pointer.join("items"), depth + 1),
                None => Ok(None),
            },
            _ => Ok(None),
        }
    }

    /// Whether a property holds text: a string that is not an enum, or an array of such.
    fn holds_text<S: Borrow<Schema>>(&self, schema: &ReferenceOr<S>, depth: usize) -> bool {
        let Some(schema) = self.followed(schema) else { return false };
        match &schema.schema_kind {
            SchemaKind::Type(openapiv3::Type::String(s)) => s.enumeration.is_empty(),
            SchemaKind::Type(openapiv3::Type::Array(a)) if depth < MAX_CHAIN => {
                a.items.as_ref().is_some_and(|items| self.holds_text(items, depth + 1))
            }
            _ => false,
        }
    }

    /// Whether a text property's schema (or its array items') has a URL's `format`.
    fn url_format<S: Borrow<Schema>>(&self, schema: &ReferenceOr<S>, depth: usize) -> bool {
        let Some(schema) = self.followed(schema) else { return false };
        match &schema.schema_kind {
            SchemaKind::Type(openapiv3::Type::String(s)) => {
                matches!(&s.format, VariantOrUnknownOrEmpty::Unknown(format) if URL_FORMATS.contains(&format.as_str()))
            }
            SchemaKind::Type(openapiv3::Type::Array(a)) if depth < MAX_CHAIN => {
                a.items.as_ref().is_some_and(|items| self.url_format(items, depth + 1))
            }
            _ => false,
        }
    }

    /// How `Debug` shows the property `wire_name` of an object with the properties `siblings`.
    pub(crate) fn shown_property<'s, S: Borrow<Schema>>(
        &self,
        wire_name: &str,
        schema: &ReferenceOr<S>,
        siblings: impl IntoIterator<Item = &'s str>,
        pointer: &Pointer,
    ) -> Result<Shown, Error> {
        Ok(match self.stated_secrecy(schema, pointer)? {
            Some(true) => Shown::Secret,
            Some(false) => Shown::Plain,
            None if !self.holds_text(schema, 0) => Shown::Plain,
            None if secret_name(wire_name, siblings) => Shown::Secret,
            None if url_name(wire_name) || self.url_format(schema, 0) => Shown::Url,
            None => Shown::Plain,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{secret_name, url_name};

    #[test]
    fn credential_names_are_secret() {
        for name in [
            "password",
            "old_password",
            "new_password",
            "confirm_password",
            "access_token",
            "refresh_token",
            "id_token",
            "sudo_token",
            "verification_token",
            "captcha_token",
            "provider_token",
            "token",
            "ticket",
            "authorization",
            "client_secret",
            "code_verifier",
            "verification_code",
            "verificationCode",
            "x-captcha-token",
            "AccessToken",
            "device_code",
            "provider_code",
            "api_key",
            "SecretKey",
        ] {
            assert!(secret_name(name, []), "{name} should be secret");
        }
    }

    /// (`has_password` is named like a secret; being a boolean keeps it visible, see the fixture.)
    #[test]
    fn names_around_credentials_are_not_secret() {
        for name in [
            "token_type",
            "expires_in",
            "max_tokens",
            "total_tokens",
            "prompt_tokens",
            "token_count",
            "password_updated_at",
            "code",
            "error_code",
            "key",
            "secret_id",
            "nonce",
            "at_hash",
            "verification_id",
            "",
        ] {
            assert!(!secret_name(name, ["message", "request_id"]), "{name} should not be secret");
        }
    }

    #[test]
    fn url_names() {
        for name in [
            "url",
            "signedURL",
            "fullSignedURL",
            "full_url",
            "download_url",
            "downloadUrlEncoded",
            "redirect_uri",
            "file_urls",
        ] {
            assert!(url_name(name), "{name} should be a URL");
        }
        for name in ["url_count", "urlencoded", "curl", "uri_scheme", "encoded", "path", ""] {
            assert!(!url_name(name), "{name} should not be a URL");
        }
    }

    #[test]
    fn code_is_secret_only_in_a_token_request() {
        assert!(secret_name("code", ["grant_type", "code", "redirect_uri"]));
        assert!(secret_name("code", ["grantType"]));
        assert!(!secret_name("code", ["message", "requestId"]));
    }
}
