//! Errors that name the spec file and the place inside it.

use std::fmt;

/// Where in a spec file an [`Error`] happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A position in the YAML text (1-based), with the JSON pointer when it is known.
    Line {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// JSON pointer of the value being read, when known.
        pointer: Option<String>,
    },
    /// A JSON pointer into the document, e.g. `/paths/~1v1~1functions~1{name}/post`.
    Pointer(String),
    /// An action of an overlay document, by its index in `actions`.
    Action {
        /// 0-based index in the overlay's `actions`.
        index: usize,
    },
}

/// A spec could not be turned into Rust code.
///
/// The message always names the file and, where one exists, the location: a line for YAML
/// syntax errors, a JSON pointer for everything found while reading the document, the action
/// for an overlay action that cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    file: String,
    location: Option<Location>,
    message: String,
}

impl Error {
    pub(crate) fn new(file: &str, location: Option<Location>, message: impl Into<String>) -> Self {
        Error { file: file.to_owned(), location, message: message.into() }
    }

    pub(crate) fn at(file: &str, pointer: &Pointer, message: impl Into<String>) -> Self {
        Error::new(file, Some(Location::Pointer(pointer.to_string())), message)
    }

    /// The spec file the error is about, as the caller named it.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Where in the file, when known.
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }

    /// The JSON pointer of the offending value, when known.
    pub fn pointer(&self) -> Option<&str> {
        match &self.location {
            Some(Location::Pointer(p)) => Some(p),
            Some(Location::Line { pointer, .. }) => pointer.as_deref(),
            Some(Location::Action { .. }) | None => None,
        }
    }

    /// What went wrong, without the location.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            None => write!(f, "{}: {}", self.file, self.message),
            Some(Location::Pointer(p)) => write!(f, "{}#{}: {}", self.file, p, self.message),
            Some(Location::Action { index }) => write!(f, "{}: actions[{index}]: {}", self.file, self.message),
            Some(Location::Line { line, column, pointer: Some(p) }) => {
                write!(f, "{}:{}:{} (#{}): {}", self.file, line, column, p, self.message)
            }
            Some(Location::Line { line, column, pointer: None }) => {
                write!(f, "{}:{}:{}: {}", self.file, line, column, self.message)
            }
        }
    }
}

impl std::error::Error for Error {}

/// A JSON pointer (RFC 6901) under construction, e.g. `/components/schemas/Foo`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Pointer(String);

impl Pointer {
    pub(crate) fn root() -> Self {
        Pointer(String::new())
    }

    /// Parses the fragment of a local `$ref` (`#/components/schemas/Foo`).
    pub(crate) fn from_ref(reference: &str) -> Option<Self> {
        reference.strip_prefix('#').filter(|p| p.starts_with('/')).map(|p| Pointer(p.to_owned()))
    }

    /// A pointer as the IR keeps it (`TypeDef::pointer`: already escaped).
    pub(crate) fn escaped(pointer: &str) -> Self {
        Pointer(pointer.to_owned())
    }

    /// The pointer one level down, escaping `~` and `/` in the token.
    pub(crate) fn join(&self, token: impl fmt::Display) -> Self {
        let token = token.to_string().replace('~', "~0").replace('/', "~1");
        Pointer(format!("{}/{}", self.0, token))
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
