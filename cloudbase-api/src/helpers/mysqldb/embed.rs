//! Typed `select` lists with embedded resources ([`SelectList`], [`Embed`]) and the
//! conditions, order and range of an embedded resource ([`Referenced`]).

use super::{Column, Filters, Order, column_name, order_term, quote, range_length, select_text};
use std::collections::BTreeMap;

/// What a read (or a write's [`returning`](super::Insert::returning)) selects: PostgREST's
/// select text as it is (`"id,name,orders(id,total)"`, from a `&str` or `String`), or a list
/// built item by item, where every name is written as PostgREST's select parser reads it
/// (bare when it is a plain identifier, otherwise quoted) and no text is spliced in:
///
/// ```
/// use cloudbase_api::rdb::{Column, Embed, SelectList};
///
/// // id,city:data->>"city",orders!inner(id,total)
/// let columns = SelectList::new()
///     .column("id")
///     .column_as("city", Column::new("data").text("city"))
///     .embed(Embed::new("orders").inner().select(SelectList::new().column("id").column("total")));
/// assert_eq!(columns.to_string(), r#"id,city:data->>"city",orders!inner(id,total)"#);
/// ```
///
/// An empty list selects nothing; as an [`Embed`]'s list (`orders()`) that joins the
/// resource without showing it, which with [`Embed::inner`] filters the rows by it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectList(Kind);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// PostgREST's select syntax as the caller wrote it.
    Text(String),
    /// Rendered items, joined by `,`; the first item PostgREST cannot be told, if any.
    Items(Vec<String>, Option<String>),
}

impl SelectList {
    /// An empty list; add to it with [`column`](Self::column), [`all_columns`](Self::all_columns)
    /// and [`embed`](Self::embed).
    pub fn new() -> Self {
        SelectList(Kind::Items(Vec::new(), None))
    }

    /// Every column (`*`).
    pub fn all() -> Self {
        SelectList::new().all_columns()
    }

    /// Adds every column (`*`).
    pub fn all_columns(self) -> Self {
        self.push("*".to_owned())
    }

    /// Adds a column, or a JSON path into one ([`Column`]; PostgREST names it by its last key).
    pub fn column(self, column: impl Into<Column>) -> Self {
        let column = column.into();
        self.push(column.0)
    }

    /// Adds a column (or a JSON path into one) under another name: `alias:column`.
    pub fn column_as(self, alias: &str, column: impl Into<Column>) -> Self {
        let column = column.into();
        self.push(format!("{}:{}", column_name(alias), column.0))
    }

    /// Adds an embedded resource.
    pub fn embed(self, embed: Embed) -> Self {
        let (text, refused) = embed.render();
        let mut list = self.push(text);
        if let (Some(why), Kind::Items(_, slot)) = (refused, &mut list.0) {
            slot.get_or_insert(why);
        }
        list
    }

    fn push(mut self, item: String) -> Self {
        match &mut self.0 {
            Kind::Items(items, _) => items.push(item),
            // A list built from text gets the item after it.
            Kind::Text(text) => {
                let text = select_text(text);
                let items = if text.is_empty() { vec![item] } else { vec![text, item] };
                self.0 = Kind::Items(items, None);
            }
        }
        self
    }

    /// The `select` text to send, or why part of it cannot be said.
    pub(super) fn text(&self) -> Result<String, String> {
        match &self.0 {
            Kind::Text(text) => Ok(select_text(text)),
            Kind::Items(_, Some(why)) => Err(why.clone()),
            Kind::Items(items, None) => Ok(items.join(",")),
        }
    }
}

impl Default for SelectList {
    fn default() -> Self {
        SelectList::new()
    }
}

/// The `select` text as it is sent (whitespace outside double-quoted names dropped).
impl std::fmt::Display for SelectList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Kind::Text(text) => f.write_str(&select_text(text)),
            Kind::Items(items, _) => f.write_str(&items.join(",")),
        }
    }
}

impl From<&str> for SelectList {
    fn from(text: &str) -> Self {
        SelectList(Kind::Text(text.to_owned()))
    }
}

impl From<String> for SelectList {
    fn from(text: String) -> Self {
        SelectList(Kind::Text(text))
    }
}

impl From<&String> for SelectList {
    fn from(text: &String) -> Self {
        SelectList(Kind::Text(text.clone()))
    }
}

/// A related table to embed in a [`SelectList`]: PostgREST's `alias:relation!hint!inner(...)`.
///
/// `relation` is how PostgREST finds the relationship: the related table's name, a foreign-key
/// column of this table (`client_id`) or a foreign key's constraint name. When two foreign
/// keys join the same tables, [`hint`](Self::hint) names the one to use (PostgREST answers 300
/// `PGRST201` without it). The embedded rows come as an object (or `null`) for a
/// many-to-one or one-to-one relationship and as an array for a one-to-many one.
///
/// ```
/// use cloudbase_api::rdb::{Embed, SelectList};
///
/// let head = Embed::new("departments").alias("heads").hint("departments_head_id_fkey");
/// assert_eq!(SelectList::all().embed(head).to_string(), "*,heads:departments!departments_head_id_fkey(*)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embed {
    relation: String,
    alias: Option<String>,
    hint: Option<String>,
    inner: bool,
    select: SelectList,
}

impl Embed {
    /// Embeds `relation` with all its columns (`relation(*)`).
    pub fn new(relation: &str) -> Self {
        Embed { relation: relation.to_owned(), alias: None, hint: None, inner: false, select: SelectList::all() }
    }

    /// Shows the embedded rows under `alias` instead of the relation's name. Filters, order and
    /// range on the embedding then name it by the alias
    /// ([`on`](super::Select::on)`(alias, ..)`), as PostgREST requires.
    pub fn alias(mut self, alias: &str) -> Self {
        self.alias = Some(alias.to_owned());
        self
    }

    /// The foreign key to embed through when several join the two tables (`!hint`): its
    /// constraint name, or its column on either side.
    pub fn hint(mut self, foreign_key: &str) -> Self {
        self.hint = Some(foreign_key.to_owned());
        self
    }

    /// An inner join (`!inner`): only the rows that have embedded rows (after the embedding's
    /// own filters, see [`Select::on`](super::Select::on)) are read, and counted.
    pub fn inner(mut self) -> Self {
        self.inner = true;
        self
    }

    /// The embedded resource's columns (and embeddings of its own); all of them without this.
    pub fn select(mut self, columns: impl Into<SelectList>) -> Self {
        self.select = columns.into();
        self
    }

    /// The item text, and why it cannot be said, if so.
    fn render(&self) -> (String, Option<String>) {
        let mut text = String::new();
        if let Some(alias) = &self.alias {
            text.push_str(&column_name(alias));
            text.push(':');
        }
        text.push_str(&column_name(&self.relation));
        if let Some(hint) = &self.hint {
            text.push('!');
            text.push_str(&hint_name(hint));
        }
        if self.inner {
            text.push_str("!inner");
        }
        let mut refused = None;
        if self.relation == "count" {
            // `pRelationSelect` has `guard (name /= "count")`, quoted or not.
            refused = Some("PostgREST reads a relation named `count` as the count() aggregate; embed it through its foreign key's name instead".to_owned());
        }
        let inner = match self.select.text() {
            Ok(inner) => inner,
            Err(why) => {
                refused.get_or_insert(why);
                String::new()
            }
        };
        text.push('(');
        text.push_str(&inner);
        text.push(')');
        (text, refused)
    }
}

/// A hint as `pEmbedParams` reads it: `!left` and `!inner` are tried first, so a hint starting
/// with either word (or not a plain identifier) is quoted.
fn hint_name(hint: &str) -> String {
    let name = column_name(hint);
    if !name.starts_with('"') && (hint.starts_with("left") || hint.starts_with("inner")) { quote(hint) } else { name }
}

/// The filters, logic groups, order and range of an embedded resource, from
/// [`Select::on`](super::Select::on): PostgREST's `orders.status=eq.paid`, `orders.or=(...)`,
/// `orders.order=...`, `orders.limit=`, `orders.offset=` (postgrest-js's `referencedTable`
/// option). They choose which embedded rows come with each row; with [`Embed::inner`] a row
/// without any is left out. [`on`](Self::on) reaches an embedding of this one.
#[derive(Debug, Clone, Default)]
pub struct Referenced {
    pub(super) filters: Filters,
    order: Vec<String>,
    limit: Option<i64>,
    offset: Option<i64>,
    nested: Vec<(String, Referenced)>,
}

impl Referenced {
    /// Sorts the embedded rows by `column` (a column of the embedded table); later calls sort
    /// ties further.
    pub fn order(mut self, column: impl Into<Column>, order: Order) -> Self {
        self.order.push(order_term(column.into(), order));
        self
    }

    /// At most `count` embedded rows for each row.
    pub fn limit(mut self, count: i64) -> Self {
        self.limit = Some(count);
        self
    }

    /// Skips the first `count` embedded rows of each row.
    pub fn offset(mut self, count: i64) -> Self {
        self.offset = Some(count);
        self
    }

    /// Embedded rows `from` to `to` of each row, both included, counting from 0.
    pub fn range(self, from: i64, to: i64) -> Self {
        self.offset(from).limit(range_length(from, to))
    }

    /// The filters, order and range of `embedding`, a resource embedded in this one (by its
    /// alias, if it has one).
    pub fn on(mut self, embedding: &str, referenced: impl FnOnce(Referenced) -> Referenced) -> Self {
        on(&mut self.nested, embedding, referenced);
        self
    }

    /// The query pairs under `path` (already written as PostgREST reads it, `orders` or
    /// `projects.tasks`).
    fn pairs(self, path: &str, query: &mut BTreeMap<String, String>) -> Result<(), String> {
        let Referenced { filters, order, limit, offset, nested } = self;
        let has_groups = filters.has_groups();
        for (key, value) in filters.into_query_at(path)? {
            query.insert(key, value);
        }
        if has_groups && path.split('.').any(|segment| segment == "not" || segment == "\"not\"") {
            // `pLogicPath` drops every `not` of the path, quoted or not.
            return Err(format!(
                "PostgREST cannot take an or/and group on the embedding path {path}: it reads `not` in it as negation"
            ));
        }
        if !order.is_empty() {
            query.insert(format!("{path}.order"), order.join(","));
        }
        if let Some(limit) = limit {
            query.insert(format!("{path}.limit"), limit.to_string());
        }
        if let Some(offset) = offset {
            query.insert(format!("{path}.offset"), offset.to_string());
        }
        for (name, referenced) in nested {
            referenced.pairs(&format!("{path}.{}", column_name(&name)), query)?;
        }
        Ok(())
    }
}

/// Applies `referenced` to the entry for `embedding` (a new one the first time).
pub(super) fn on(
    entries: &mut Vec<(String, Referenced)>,
    embedding: &str,
    referenced: impl FnOnce(Referenced) -> Referenced,
) {
    match entries.iter().position(|(name, _)| name == embedding) {
        Some(i) => {
            let current = std::mem::take(&mut entries[i].1);
            entries[i].1 = referenced(current);
        }
        None => entries.push((embedding.to_owned(), referenced(Referenced::default()))),
    }
}

/// The query pairs of every embedding's conditions, order and range.
pub(super) fn referenced_pairs(
    entries: Vec<(String, Referenced)>,
    query: &mut BTreeMap<String, String>,
) -> Result<(), String> {
    for (name, referenced) in entries {
        referenced.pairs(&column_name(&name), query)?;
    }
    Ok(())
}
