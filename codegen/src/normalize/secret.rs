//! Which properties hold secrets (the "secret field" row of the type mapping): their values are
//! redacted in `Debug`, the rest of the type prints as derived.
//!
//! A property is secret when, in this order (the first rule that speaks decides):
//! 1. `x-sensitive: true` on the property, on the schema its `$ref` leads to, or on its array
//!    items; `x-sensitive: false` there opts it out of the rules below;
//! 2. its schema (or its array items' schema) is `format: password`;
//! 3. it holds text (a string, or an array of strings; not a number, a boolean, an enum or an
//!    object) and its name, split into words (`access_token`, `accessToken`, `x-captcha-token`
//!    -> `access token`, ...), ends in a credential word: [`SECRET_WORDS`] as the last word, or
//!    [`SECRET_PAIRS`] as the last two; or it is `code` beside a `grant_type` property (an
//!    OAuth 2.0 token request, RFC 6749 section 4.1.3, where `code` is the authorization code).
//!
//! So `token_type`, `expires_in`, `max_tokens`/`total_tokens` (counters: plural, and numbers),
//! `has_password` (a boolean), `password_updated_at` and an error's `code` stay visible.

use super::Normalizer;
use crate::error::{Error, Pointer};
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

    /// Whether the property `wire_name` of an object with the properties `siblings` is secret.
    pub(crate) fn is_secret_property<'s, S: Borrow<Schema>>(
        &self,
        wire_name: &str,
        schema: &ReferenceOr<S>,
        siblings: impl IntoIterator<Item = &'s str>,
        pointer: &Pointer,
    ) -> Result<bool, Error> {
        Ok(match self.stated_secrecy(schema, pointer)? {
            Some(flag) => flag,
            None => self.holds_text(schema, 0) && secret_name(wire_name, siblings),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::secret_name;

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
    fn code_is_secret_only_in_a_token_request() {
        assert!(secret_name("code", ["grant_type", "code", "redirect_uri"]));
        assert!(secret_name("code", ["grantType"]));
        assert!(!secret_name("code", ["message", "requestId"]));
    }
}
