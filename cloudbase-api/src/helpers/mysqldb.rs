//! A PostgREST-style query builder for the relational database API, built on the generated
//! [`mysqldb`](crate::mysqldb) operations (`queryRecords`, `insertRecords`, `updateRecords`,
//! `deleteRecords`, `countRecords` and their schema and instance forms), with database
//! functions ([`MysqldbApi::rpc`], on `callRpc`) and raw SQL for PostgreSQL environments
//! ([`MysqldbApi::sql`], on `execPgsql`).
//!
//! ```no_run
//! use cloudbase_api::rdb::Order;
//!
//! #[derive(serde::Deserialize)]
//! struct Student { id: i64, name: String }
//!
//! # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
//! let page = client
//!     .mysqldb()
//!     .from("students")
//!     .select("id,name,class_id(grade,class_number)")
//!     .gte("grade", 3)
//!     .ilike("name", "*bai*")
//!     .or(|any| any.eq("status", "active").is("deleted_at", cloudbase_api::rdb::Is::Null))
//!     .order("grade", Order::desc().nulls_last())
//!     .order("id", Order::asc())
//!     .range(0, 9)
//!     .count_exact()
//!     .fetch::<Student>()
//!     .await?;
//! println!("{} of {:?} rows", page.rows.len(), page.total);
//! # Ok(()) }
//! ```
//!
//! The filters, on every builder that filters rows: `eq` `neq` `gt` `gte` `lt` `lte` `like`
//! `ilike`, [`regex_match`](Select::regex_match) / [`regex_imatch`](Select::regex_imatch),
//! [`is_distinct`](Select::is_distinct), [`is`](Select::is) ([`Is`]), [`in_`](Select::in_) /
//! [`not_in`](Select::not_in), [`contains`](Select::contains) /
//! [`contained_by`](Select::contained_by) / [`overlaps`](Select::overlaps) and the `range_*`
//! operators on a [`Literal`] (an array, range or JSON value), [`text_search`](Select::text_search)
//! ([`TextSearch`]), [`any_of`](Select::any_of) / [`all_of`](Select::all_of) ([`Compare`]),
//! [`eq_all`](Select::eq_all), [`not`](Select::not) of any operator by its PostgREST name, and
//! the groups [`or`](Select::or), [`and`](Select::and), [`not_or`](Select::not_or) and
//! [`not_and`](Select::not_and).
//!
//! Values are written the way PostgREST's query-string parser reads them, so no character in a
//! value changes a filter's meaning:
//!
//! - A top-level filter's operand goes as it is: `.eq("name", "Li Bai")` is `name=eq.Li Bai` and
//!   `.not("age", "gt", 18)` is `age=not.gt.18`. PostgREST takes everything after the operator
//!   literally, quotes included (so quoting there would compare with `"Li Bai"`).
//! - Inside an `in.(...)` list and inside an `or=(...)` / `and=(...)` group, where `,` `.` `:`
//!   `(` `)` are syntax, every value is in double quotes with `"` and `\` escaped ([`quote`]):
//!   `.in_("tag", ["a,b"])` is `tag=in.("a,b")`.
//! - Column names are bare when they are plain identifiers (ASCII letters, digits, `_`, `$`),
//!   otherwise quoted the same way, in filter keys, inside groups and in `order` terms. Names
//!   PostgREST reserves as parameters (`select`, `order`, `limit`, `offset`, `and`, `or`,
//!   `columns`, `on_conflict`) are quoted too, so `.eq("order", 3)` filters the column `order`.
//!   A column argument is always one column, or a JSON path into one built as a [`Column`]
//!   (`Column::new("data").text("city")` is `data->>"city"`, each key quoted). A column of an
//!   embedded resource is filtered through [`Select::on`] (`class.grade=gte.3`), never by
//!   spelling the path into a column name.
//! - `like` / `ilike` patterns use `*` (or `%`) as the wildcard, as PostgREST does.
//! - The [`select`](Table::select) text is PostgREST's select syntax; whitespace outside
//!   double-quoted names is taken out, as postgrest-js does, so it may span several lines (a
//!   name holding a space is written in quotes: `"first name"`). A [`SelectList`] builds it
//!   instead, each column, alias, embedded relation ([`Embed`], with `!inner` joins and
//!   foreign-key hints) and JSON key written as PostgREST's select parser reads it.
//! - Embedded resources take filters, logic groups, order and ranges of their own
//!   ([`Select::on`], a [`Referenced`]): `orders.status=eq.paid`, `orders.or=(...)`,
//!   `orders.order=total.desc`, `orders.limit=3`, the keys prefixed by the embedding's path
//!   (its alias where it has one), each name in it quoted as needed.
//! - A condition PostgREST cannot be told is refused rather than sent as something else: an
//!   operator [`not`](Select::not) does not know, or an [`in_`](Select::in_) list of one empty
//!   string. The call then fails with [`Error::InvalidRequest`] before any I/O.
//!
//! Besides rows, a read comes as CSV ([`Select::csv`]) or as its plan
//! ([`Select::explain_json`], [`Select::explain_text`], with [`Explain`]'s options), and pages
//! by the `Range` header as well as by `limit`/`offset` ([`Select::range_header`]; the server
//! answers 206 for a part of a counted total). An insert can answer the new row's address
//! ([`Insert::location`], `return=headers-only`).
//!
//! The URL layer then percent-encodes every query key and value. The filters go as a map, one
//! pair per key, so two conditions on one key (two on a column, two `or` groups) are sent
//! together in one `and=(...)` group. Updates and deletes without a filter are refused unless the caller says
//! [`Update::all_rows`] / [`Delete::all_rows`].

use crate::mysqldb::{MysqldbApi, Record, RecordOrRecords};
use crate::response::Head;
use crate::{Client, Error, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::fmt::Display;

/// The operationIds the helper reports its own refusals under.
const QUERY: &str = "queryRecords";

impl MysqldbApi {
    /// Calls in the database (MySQL) or schema (PostgreSQL, usually `public`) `database`
    /// (`Accept-Profile` / `Content-Profile` on every call); see [`Database`].
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// let db = client.mysqldb().database("public").instance("default");
    /// let rows: Vec<serde_json::Value> = db.from("students").select("*").eq("grade", 3).fetch().await?.rows;
    /// # Ok(()) }
    /// ```
    pub fn database(&self, database: impl Into<String>) -> Database {
        self.selected().database(database)
    }

    /// Calls to the database instance `instance` (`X-Db-Instance` on every call); see [`Database`].
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// let db = client.mysqldb().instance("default").database("public");
    /// let rows: Vec<serde_json::Value> = db.from("students").select("id,name").limit(10).fetch().await?.rows;
    /// # Ok(()) }
    /// ```
    pub fn instance(&self, instance: impl Into<String>) -> Database {
        self.selected().instance(instance)
    }

    /// See [`Database::rpc`].
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// use serde_json::json;
    ///
    /// let total: i64 = client.mysqldb().rpc("count_students", json!({"min_grade": 3})).value().await?;
    /// # Ok(()) }
    /// ```
    pub fn rpc(&self, function: impl Into<String>, args: impl Serialize) -> Rpc {
        self.selected().rpc(function, args)
    }

    /// See [`Database::sql`].
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// // PostgreSQL environments; read-only unless `.writable()`.
    /// let rows: Vec<serde_json::Value> = client.mysqldb().sql("select id, name from students where grade = $1").param(3).fetch().await?;
    /// # Ok(()) }
    /// ```
    pub fn sql(&self, statement: impl Into<String>) -> Sql {
        self.selected().sql(statement)
    }

    /// See [`Database::from`].
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// use cloudbase_api::rdb::Order;
    ///
    /// let page = client.mysqldb().from("students")
    ///     .select("id,name,grade")
    ///     .gte("grade", 3)
    ///     .order("grade", Order::desc())
    ///     .range(0, 9)
    ///     .count_exact()
    ///     .fetch::<serde_json::Value>()
    ///     .await?;
    /// println!("{} of {:?}", page.rows.len(), page.total);
    /// # Ok(()) }
    /// ```
    pub fn from(&self, table: impl Into<String>) -> Table {
        self.selected().from(table)
    }

    /// See [`Database::from_schema`].
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// let rows: Vec<serde_json::Value> = client.mysqldb().from_schema("reports", "grades").select("*").fetch().await?.rows;
    /// # Ok(()) }
    /// ```
    pub fn from_schema(&self, schema: impl Into<String>, table: impl Into<String>) -> Table {
        self.selected().from_schema(schema, table)
    }

    /// See [`Database::from_instance`].
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// let rows: Vec<serde_json::Value> =
    ///     client.mysqldb().from_instance("replica-1", "public", "students").select("*").limit(5).fetch().await?.rows;
    /// # Ok(()) }
    /// ```
    pub fn from_instance(
        &self,
        instance: impl Into<String>,
        schema: impl Into<String>,
        table: impl Into<String>,
    ) -> Table {
        self.selected().from_instance(instance, schema, table)
    }

    fn selected(&self) -> Database {
        Database { client: self.client.clone(), selection: Selection::default() }
    }
}

/// The relational database with a database and instance selected (the official SDK's `database`
/// and `instance` options); from [`MysqldbApi::database`] or [`MysqldbApi::instance`]. Every call
/// made from it carries the selection as headers.
#[derive(Debug, Clone)]
pub struct Database {
    client: Client,
    selection: Selection,
}

/// The database-selection headers of every rdb call.
#[derive(Debug, Clone, Default)]
struct Selection {
    database: Option<String>,
    instance: Option<String>,
}

/// Sets a generated rdb builder's database-selection headers.
macro_rules! with_selection {
    ($builder:expr, $selection:expr) => {{
        let selection: &Selection = $selection;
        let builder = $builder;
        let builder = match &selection.instance {
            Some(instance) => builder.x_db_instance(instance),
            None => builder,
        };
        match &selection.database {
            Some(database) => builder.accept_profile(database).content_profile(database),
            None => builder,
        }
    }};
}

impl Database {
    /// Calls the database function `function` (PostgREST RPC) with `args` (a struct or map: the
    /// function's named arguments); the rows it returns can be filtered, ordered and paged
    /// like a table's.
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// #[derive(serde::Deserialize)]
    /// struct GradeSize { grade: i64, students: i64 }
    ///
    /// let sizes = client
    ///     .mysqldb()
    ///     .rpc("grade_sizes", serde_json::json!({"min_grade": 3}))
    ///     .gte("students", 30)
    ///     .order("grade", cloudbase_api::rdb::Order::asc())
    ///     .fetch::<GradeSize>()
    ///     .await?;
    /// let total: i64 = client.mysqldb().rpc("count_students", serde_json::json!({})).value().await?;
    /// # Ok(()) }
    /// ```
    pub fn rpc(&self, function: impl Into<String>, args: impl Serialize) -> Rpc {
        let args = serde_json::to_value(args).map_err(|e| format!("the arguments cannot be serialized: {e}"));
        Rpc {
            client: self.client.clone(),
            selection: self.selection.clone(),
            function: function.into(),
            args,
            columns: None,
            filters: Filters::default(),
            page: Page::default(),
            read_only: false,
        }
    }

    /// One SQL statement, for PostgreSQL environments (`POST /v1/rdb/exec-pgsql`); its rows are
    /// decoded by [`Sql::fetch`]. It runs read-only unless [`Sql::writable`] says otherwise. The
    /// database selection does not apply (the operation takes no selection headers; the SQL
    /// names its schemas).
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// #[derive(serde::Deserialize)]
    /// struct Student { id: i64, name: String }
    ///
    /// let students: Vec<Student> =
    ///     client.mysqldb().sql("select id, name from students where grade = $1").param(3).fetch().await?;
    /// client.mysqldb().sql("update students set grade = grade + 1").writable().execute().await?;
    /// # Ok(()) }
    /// ```
    pub fn sql(&self, statement: impl Into<String>) -> Sql {
        Sql { client: self.client.clone(), statement: statement.into(), parameters: Ok(Vec::new()), role: None }
    }

    /// The database (MySQL) or schema (PostgreSQL) the calls read and write in, sent as
    /// `Accept-Profile` and `Content-Profile` on every call, as the official SDK's `database`
    /// option does; PostgreSQL environments use `public`.
    pub fn database(mut self, database: impl Into<String>) -> Self {
        self.selection.database = Some(database.into());
        self
    }

    /// The database instance the calls go to, sent as `X-Db-Instance` on every call, as the
    /// official SDK's `instance` option does (it sends `default` unless told otherwise).
    pub fn instance(mut self, instance: impl Into<String>) -> Self {
        self.selection.instance = Some(instance.into());
        self
    }

    /// A table of the environment's system database (or of the selected database).
    pub fn from(&self, table: impl Into<String>) -> Table {
        Table { client: self.client.clone(), selection: self.selection.clone(), target: Target::Table(table.into()) }
    }

    /// A table of the database `schema`.
    pub fn from_schema(&self, schema: impl Into<String>, table: impl Into<String>) -> Table {
        Table {
            client: self.client.clone(),
            selection: self.selection.clone(),
            target: Target::Schema(schema.into(), table.into()),
        }
    }

    /// A table of the database `schema` in the database instance `instance`.
    pub fn from_instance(
        &self,
        instance: impl Into<String>,
        schema: impl Into<String>,
        table: impl Into<String>,
    ) -> Table {
        Table {
            client: self.client.clone(),
            selection: self.selection.clone(),
            target: Target::Instance(instance.into(), schema.into(), table.into()),
        }
    }
}

#[derive(Debug, Clone)]
enum Target {
    Table(String),
    Schema(String, String),
    Instance(String, String, String),
}

/// A table to query or write; from [`MysqldbApi::from`].
#[derive(Debug, Clone)]
pub struct Table {
    client: Client,
    selection: Selection,
    target: Target,
}

impl Table {
    /// Reads rows: `columns` is `*` or a comma-separated list, with embedded relations such as
    /// `class_id(grade,class_number)` or `alias:director_id(name)`. Whitespace outside
    /// double-quoted names is dropped, so the list may span lines.
    ///
    /// A [`SelectList`] builds the list item by item instead, every name quoted as PostgREST
    /// requires, with [`Embed`] for embedded resources (and `!inner` joins); their filters,
    /// order and range are [`Select::on`].
    pub fn select(self, columns: impl Into<SelectList>) -> Select {
        Select {
            table: self,
            columns: Some(columns.into()),
            filters: Filters::default(),
            page: Page::default(),
            referenced: Vec::new(),
        }
    }

    /// Counts the rows matching the filters (`HEAD` with `Prefer: count=exact`).
    pub fn count(self) -> Count {
        Count { table: self, filters: Filters::default() }
    }

    /// Inserts one row (a struct or map) or several (a slice or `Vec` of them).
    pub fn insert(self, rows: impl Serialize) -> Insert {
        Insert {
            body: records(&rows),
            table: self,
            resolution: None,
            on_conflict: None,
            missing_default: false,
            columns: None,
        }
    }

    /// Sets `values` on every row matching the filters.
    pub fn update(self, values: impl Serialize) -> Update {
        let body = match serde_json::to_value(values) {
            Ok(serde_json::Value::Object(map)) => Ok(map),
            Ok(other) => Err(format!("update values must be an object, not {other}")),
            Err(e) => Err(format!("update values cannot be serialized: {e}")),
        };
        Update { table: self, body, filters: Filters::default(), all_rows: false, columns: None, max_affected: None }
    }

    /// Deletes the rows matching the filters.
    pub fn delete(self) -> Delete {
        Delete { table: self, filters: Filters::default(), all_rows: false, columns: None, max_affected: None }
    }
}

fn records(rows: &impl Serialize) -> Result<RecordOrRecords, String> {
    match serde_json::to_value(rows) {
        Ok(serde_json::Value::Object(row)) => Ok(RecordOrRecords::Record(row)),
        Ok(serde_json::Value::Array(items)) => items
            .into_iter()
            .map(|item| match item {
                serde_json::Value::Object(row) => Ok(row),
                other => Err(format!("each row must be an object, not {other}")),
            })
            .collect::<Result<Vec<Record>, String>>()
            .map(RecordOrRecords::RecordList),
        Ok(other) => Err(format!("rows must be an object or an array of objects, not {other}")),
        Err(e) => Err(format!("rows cannot be serialized: {e}")),
    }
}

/// `is.` operands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Is {
    /// `is.null`
    Null,
    /// `is.not_null`
    NotNull,
    /// `is.true`
    True,
    /// `is.false`
    False,
    /// `is.unknown`
    Unknown,
}

impl Is {
    /// Every `is.` operand, as PostgREST's `pIsVal` lists them.
    const ALL: [Is; 5] = [Is::Null, Is::NotNull, Is::True, Is::False, Is::Unknown];

    fn as_str(self) -> &'static str {
        match self {
            Is::Null => "null",
            Is::NotNull => "not_null",
            Is::True => "true",
            Is::False => "false",
            Is::Unknown => "unknown",
        }
    }
}

/// Sort direction and null placement for [`Select::order`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    descending: bool,
    nulls: Option<bool>,
}

impl Order {
    /// Ascending.
    pub fn asc() -> Self {
        Order { descending: false, nulls: None }
    }

    /// Descending.
    pub fn desc() -> Self {
        Order { descending: true, nulls: None }
    }

    /// Nulls before other values.
    pub fn nulls_first(mut self) -> Self {
        self.nulls = Some(true);
        self
    }

    /// Nulls after other values.
    pub fn nulls_last(mut self) -> Self {
        self.nulls = Some(false);
        self
    }
}

/// Query keys PostgREST reads as parameters rather than as columns (`QueryParams.hs`: the
/// reserved names, and the key's last `.`-separated word for the embeddable ones).
const RESERVED_KEYS: &[&str] = &["select", "columns", "on_conflict", "order", "limit", "offset", "and", "or"];

/// A column to filter or sort by, as PostgREST's `pField` reads it: a name (any text: `grade`,
/// `first name`, `order`), written bare when it is a plain identifier and quoted otherwise, or
/// a JSON path into one (`->` keeps JSON, `->>` gives text). Every filter and
/// [`order`](Select::order) takes a `&str` or a `String` for a plain column, or a `Column`:
///
/// ```
/// use cloudbase_api::rdb::Column;
///
/// // data->"address"->>"city", data->"tags"->0
/// let city = Column::new("data").json("address").text("city");
/// let first_tag = Column::new("data").json("tags").index(0);
/// # let _ = (city, first_tag);
/// ```
///
/// Keys are always quoted, so a key holding `.` `,` `>` `(` or a digit-only key stays a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column(String);

impl Column {
    /// The column `name`.
    pub fn new(name: &str) -> Self {
        Column(column_name(name))
    }

    /// `->key`: the member `key` of the JSON value, as JSON.
    pub fn json(self, key: &str) -> Self {
        self.step("->", &quote(key))
    }

    /// `->>key`: the member `key` of the JSON value, as text.
    pub fn text(self, key: &str) -> Self {
        self.step("->>", &quote(key))
    }

    /// `->n`: element `n` of a JSON array, as JSON (a negative `n` counts from the end).
    pub fn index(self, n: i64) -> Self {
        self.step("->", &n.to_string())
    }

    /// `->>n`: element `n` of a JSON array, as text.
    pub fn text_index(self, n: i64) -> Self {
        self.step("->>", &n.to_string())
    }

    fn step(mut self, arrow: &str, operand: &str) -> Self {
        self.0.push_str(arrow);
        self.0.push_str(operand);
        self
    }

    fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Column {
    fn from(name: &str) -> Self {
        Column::new(name)
    }
}

impl From<String> for Column {
    fn from(name: String) -> Self {
        Column::new(&name)
    }
}

impl From<&String> for Column {
    fn from(name: &String) -> Self {
        Column::new(name)
    }
}

/// A column name as PostgREST's field-name parser (`pFieldName`) reads it: bare when it is a
/// plain identifier (ASCII letters, digits, `_`, `$`) that PostgREST does not reserve as a
/// parameter name, otherwise in double quotes with `"` and `\` escaped. The same spelling
/// serves a filter's key, a column inside a logic group and an `order` term.
fn column_name(name: &str) -> String {
    let plain = !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$'))
        && !RESERVED_KEYS.contains(&name);
    if plain { name.to_owned() } else { quote(name) }
}

/// `value` in double quotes with `"` and `\` escaped by a backslash: how a value must be
/// written where PostgREST reads quotes as syntax, inside an `in.(...)` list and inside an
/// `or=(...)` / `and=(...)` group (`"a,b"`, `"say \"hi\""`). Such a value can hold `,` `.` `:`
/// `(` `)` and spaces without changing the filter.
///
/// A top-level operand (`name=eq.Li Bai`, `age=not.gt.18`) must *not* be quoted: PostgREST
/// takes everything after the operator literally, quotes included, so `name=eq."Li Bai"`
/// compares with the eight characters `"Li Bai"`. The query builder quotes only where the
/// grammar asks for it; this function is for callers writing filters for the generated
/// operations by hand.
pub fn quote(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('"');
    for c in value.chars() {
        if matches!(c, '"' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    quoted
}

/// What a column test compares with; `Debug` shows no value (the caller's data, as a
/// generated builder's parameters are), only its kind, a list's length and an `is` keyword.
#[derive(Clone, PartialEq)]
enum Operand {
    /// One value: as it is at the top level, quoted inside a group.
    Value(String),
    /// An `in.(...)` list: each value quoted, in any context.
    List(Vec<String>),
    /// An `is.` keyword (`null`, `not_null`, `true`, `false`, `unknown`).
    Keyword(&'static str),
}

impl std::fmt::Debug for Operand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::runtime::Redacted;
        match self {
            Operand::Value(_) => f.debug_tuple("Value").field(&Redacted).finish(),
            Operand::List(values) => {
                f.debug_tuple("List").field(&values.iter().map(|_| Redacted).collect::<Vec<_>>()).finish()
            }
            Operand::Keyword(keyword) => f.debug_tuple("Keyword").field(keyword).finish(),
        }
    }
}

/// One condition: a column test, or a group (`or(...)`, `and(...)`, `not.or(...)`).
#[derive(Debug, Clone, PartialEq)]
enum Term {
    Column { column: String, negated: bool, operator: String, operand: Operand },
    Group { name: &'static str, negated: bool, terms: Vec<Term> },
}

/// Where a test is written: as a query pair's value, or inside a logic group.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Context {
    TopLevel,
    Group,
}

impl Term {
    /// `[not.]op.operand`, the operand written for `context`.
    fn test(negated: bool, operator: &str, operand: &Operand, context: Context) -> String {
        let operand = match operand {
            Operand::Value(value) if context == Context::TopLevel => value.clone(),
            Operand::Value(value) => quote(value),
            Operand::List(values) => {
                let values: Vec<String> = values.iter().map(|v| quote(v)).collect();
                format!("({})", values.join(","))
            }
            Operand::Keyword(keyword) => (*keyword).to_owned(),
        };
        format!("{}{operator}.{operand}", if negated { "not." } else { "" })
    }

    /// The condition inside a logical group: `col.op."value"`, `or(...)`.
    fn nested(&self) -> String {
        match self {
            Term::Column { column, negated, operator, operand } => {
                format!("{column}.{}", Term::test(*negated, operator, operand, Context::Group))
            }
            Term::Group { name, negated, terms } => {
                let inner: Vec<String> = terms.iter().map(Term::nested).collect();
                format!("{}{name}({})", if *negated { "not." } else { "" }, inner.join(","))
            }
        }
    }

    /// The query key at the top level: the column, or `or` / `and` / `not.or` / `not.and`.
    fn key(&self) -> String {
        match self {
            Term::Column { column, .. } => column.clone(),
            Term::Group { name, negated: true, .. } => format!("not.{name}"),
            Term::Group { name, negated: false, .. } => (*name).to_owned(),
        }
    }

    /// The query pair at the top level: `col=op.value`, `or=(...)`.
    fn pair(&self) -> (String, String) {
        let value = match self {
            Term::Column { negated, operator, operand, .. } => {
                Term::test(*negated, operator, operand, Context::TopLevel)
            }
            Term::Group { terms, .. } => {
                let inner: Vec<String> = terms.iter().map(Term::nested).collect();
                format!("({})", inner.join(","))
            }
        };
        (self.key(), value)
    }
}

/// A set of conditions, all of which must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    terms: Vec<Term>,
    /// Why the first condition PostgREST cannot be told was refused: the call that sends the
    /// filters fails with it ([`Error::InvalidRequest`]) before any I/O.
    refused: Option<String>,
}

impl Filters {
    fn push(&mut self, column: impl Into<Column>, negated: bool, operator: impl Into<String>, operand: Operand) {
        let column = column.into().0;
        self.terms.push(Term::Column { column, negated, operator: operator.into(), operand });
    }

    /// Notes a condition that cannot be sent; the first one noted is the one reported.
    fn refuse(&mut self, why: String) {
        self.refused.get_or_insert(why);
    }

    /// The query pairs, or why a condition was refused. The generated operations take the
    /// filters as a map, one pair per key, so conditions that share a key (two on one column,
    /// two `or` groups) go into one `and=(...)` group together.
    fn into_query(self) -> Result<BTreeMap<String, String>, String> {
        self.into_query_at("")
    }

    /// [`into_query`](Self::into_query) for the embedded resource at `path` (its keys are
    /// `path.column`, `path.or`, ...); the root when `path` is empty.
    fn into_query_at(self, path: &str) -> Result<BTreeMap<String, String>, String> {
        if let Some(why) = self.refused {
            return Err(why);
        }
        let at = |key: String| if path.is_empty() { key } else { format!("{path}.{key}") };
        let mut by_key: BTreeMap<String, Vec<Term>> = BTreeMap::new();
        for term in self.terms {
            by_key.entry(term.key()).or_default().push(term);
        }
        let mut shared = Vec::new();
        let mut query = BTreeMap::new();
        for (key, mut terms) in by_key {
            if terms.len() == 1 && key != "and" {
                let (key, value) = terms.remove(0).pair();
                query.insert(at(key), value);
            } else {
                shared.extend(terms);
            }
        }
        if !shared.is_empty() {
            let inner: Vec<String> = shared.iter().map(Term::nested).collect();
            query.insert(at("and".to_owned()), format!("({})", inner.join(",")));
        }
        Ok(query)
    }

    fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether the filters are sent with a logic-group key (`or`, `and`, `not.or`, ...).
    fn has_groups(&self) -> bool {
        let mut keys = std::collections::BTreeSet::new();
        self.terms.iter().any(|t| matches!(t, Term::Group { .. }) || !keys.insert(t.key()))
    }
}

/// Conditions inside an [`or`](Select::or) / [`and`](Select::and) group.
#[derive(Debug, Clone, Default)]
pub struct Group {
    filters: Filters,
}

/// The filter methods, shared by every builder that filters rows.
macro_rules! filter_methods {
    ($builder:ty, $filters:ident) => {
        impl $builder {
            /// `column = value`
            pub fn eq(self, column: impl Into<Column>, value: impl Display) -> Self {
                self.test(column, "eq", value)
            }

            /// `column <> value`
            pub fn neq(self, column: impl Into<Column>, value: impl Display) -> Self {
                self.test(column, "neq", value)
            }

            /// `column > value`
            pub fn gt(self, column: impl Into<Column>, value: impl Display) -> Self {
                self.test(column, "gt", value)
            }

            /// `column >= value`
            pub fn gte(self, column: impl Into<Column>, value: impl Display) -> Self {
                self.test(column, "gte", value)
            }

            /// `column < value`
            pub fn lt(self, column: impl Into<Column>, value: impl Display) -> Self {
                self.test(column, "lt", value)
            }

            /// `column <= value`
            pub fn lte(self, column: impl Into<Column>, value: impl Display) -> Self {
                self.test(column, "lte", value)
            }

            /// `column LIKE pattern` (`*` or `%` match any characters).
            pub fn like(self, column: impl Into<Column>, pattern: impl Display) -> Self {
                self.test(column, "like", pattern)
            }

            /// `column ILIKE pattern`, case-insensitive.
            pub fn ilike(self, column: impl Into<Column>, pattern: impl Display) -> Self {
                self.test(column, "ilike", pattern)
            }

            /// `column ~ pattern`: a POSIX regular expression matches (postgrest-js `regexMatch`).
            pub fn regex_match(self, column: impl Into<Column>, pattern: impl Display) -> Self {
                self.test(column, "match", pattern)
            }

            /// `column ~* pattern`, case-insensitive (postgrest-js `regexIMatch`).
            pub fn regex_imatch(self, column: impl Into<Column>, pattern: impl Display) -> Self {
                self.test(column, "imatch", pattern)
            }

            /// `column IS DISTINCT FROM value`: unequal, a NULL counting as a value.
            pub fn is_distinct(self, column: impl Into<Column>, value: impl Display) -> Self {
                self.test(column, "isdistinct", value)
            }

            /// `column @> literal`: the array, range or JSON value contains `literal`.
            pub fn contains(self, column: impl Into<Column>, literal: Literal) -> Self {
                self.test(column, "cs", literal.0)
            }

            /// `column <@ literal`: the array, range or JSON value is contained in `literal`.
            pub fn contained_by(self, column: impl Into<Column>, literal: Literal) -> Self {
                self.test(column, "cd", literal.0)
            }

            /// `column && literal`: the array or range shares an element or a point with `literal`.
            pub fn overlaps(self, column: impl Into<Column>, literal: Literal) -> Self {
                self.test(column, "ov", literal.0)
            }

            /// `column << range`: the range is strictly left of `range` (postgrest-js `rangeLt`).
            pub fn range_lt(self, column: impl Into<Column>, range: Literal) -> Self {
                self.test(column, "sl", range.0)
            }

            /// `column >> range`: strictly right of `range` (postgrest-js `rangeGt`).
            pub fn range_gt(self, column: impl Into<Column>, range: Literal) -> Self {
                self.test(column, "sr", range.0)
            }

            /// `column &> range`: does not extend to the left of `range` (postgrest-js `rangeGte`).
            pub fn range_gte(self, column: impl Into<Column>, range: Literal) -> Self {
                self.test(column, "nxl", range.0)
            }

            /// `column &< range`: does not extend to the right of `range` (postgrest-js `rangeLte`).
            pub fn range_lte(self, column: impl Into<Column>, range: Literal) -> Self {
                self.test(column, "nxr", range.0)
            }

            /// `column -|- range`: adjacent to `range` (postgrest-js `rangeAdjacent`).
            pub fn range_adjacent(self, column: impl Into<Column>, range: Literal) -> Self {
                self.test(column, "adj", range.0)
            }

            /// Full-text search: `column @@ to_tsquery(query)`, or the plain, phrase or web-search
            /// parser [`TextSearch`] names, in its configuration (language) if it has one. A
            /// configuration that is not a plain identifier is refused.
            pub fn text_search(mut self, column: impl Into<Column>, query: impl Display, search: TextSearch) -> Self {
                match search.operator() {
                    Ok(operator) => self.$filters.push(column, false, operator, Operand::Value(query.to_string())),
                    Err(why) => self.$filters.refuse(why),
                }
                self
            }

            /// `column <op> ANY(values)`: the comparison holds for at least one of `values`
            /// (`like(any).{"a*","b*"}`; postgrest-js `likeAnyOf` for [`Compare::Like`]).
            pub fn any_of<V: Display>(
                self,
                column: impl Into<Column>,
                compare: Compare,
                values: impl IntoIterator<Item = V>,
            ) -> Self {
                let operator = format!("{}(any)", compare.as_str());
                self.test(column, operator, Literal::array(values).0)
            }

            /// `column <op> ALL(values)`: the comparison holds for every one of `values`
            /// (postgrest-js `likeAllOf` for [`Compare::Like`]).
            pub fn all_of<V: Display>(
                self,
                column: impl Into<Column>,
                compare: Compare,
                values: impl IntoIterator<Item = V>,
            ) -> Self {
                let operator = format!("{}(all)", compare.as_str());
                self.test(column, operator, Literal::array(values).0)
            }

            /// `column = value` for each pair (postgrest-js `match({..})`).
            pub fn eq_all<C: Into<Column>, V: Display>(self, pairs: impl IntoIterator<Item = (C, V)>) -> Self {
                pairs.into_iter().fold(self, |builder, (column, value)| builder.eq(column, value))
            }

            /// `column IS null / not null / true / false / unknown`
            pub fn is(mut self, column: impl Into<Column>, value: Is) -> Self {
                self.$filters.push(column, false, "is", Operand::Keyword(value.as_str()));
                self
            }

            /// `column IN (values...)`, each value quoted (`in.("a,b","c")`); no values match no
            /// row (`in.()`). A list of one empty string is refused (the call fails with
            /// [`Error::InvalidRequest`]): PostgREST reads `in.("")` as the empty list, so it
            /// would match nothing rather than the empty text; use `eq(column, "")` for that.
            pub fn in_<V: Display>(mut self, column: impl Into<Column>, values: impl IntoIterator<Item = V>) -> Self {
                let column = column.into();
                let values = in_list(&mut self.$filters, "in_", column.as_str(), values);
                self.$filters.push(column, false, "in", Operand::List(values));
                self
            }

            /// `NOT column IN (values...)`: [`in_`](Self::in_) negated (`not.in.("a","b")`).
            pub fn not_in<V: Display>(
                mut self,
                column: impl Into<Column>,
                values: impl IntoIterator<Item = V>,
            ) -> Self {
                let column = column.into();
                let values = in_list(&mut self.$filters, "not_in", column.as_str(), values);
                self.$filters.push(column, true, "in", Operand::List(values));
                self
            }

            /// The negation of one test: `not(column, "gt", 18)` is `column=not.gt.18`.
            ///
            /// `operator` is any operator PostgREST reads with one value: `eq neq gt gte lt lte
            /// like ilike match imatch` (these also with a quantifier, `like(any)` or
            /// `eq(all)`, whose value is an array literal such as `{a*,b*}`), `isdistinct`,
            /// `cs cd ov sl sr nxr nxl adj` (the value an array, range or JSON literal) and the
            /// full-text `fts plfts phfts wfts`, optionally with a language (`fts(english)`).
            /// `is` takes `null`, `not_null`, `true`, `false` or `unknown` (any case) as its
            /// value. The value goes as it is at the top level and quoted inside a group.
            ///
            /// Anything else is refused: the call fails with [`Error::InvalidRequest`] before
            /// any I/O. That includes `in`, whose list is [`not_in`](Self::not_in).
            pub fn not(mut self, column: impl Into<Column>, operator: &str, value: impl Display) -> Self {
                let value = value.to_string();
                match negatable(operator, &value) {
                    Ok(Negated::Value) => self.$filters.push(column, true, operator, Operand::Value(value)),
                    Ok(Negated::Keyword(keyword)) => self.$filters.push(column, true, "is", Operand::Keyword(keyword)),
                    Err(why) => self.$filters.refuse(why),
                }
                self
            }

            /// At least one of the conditions `group` adds.
            pub fn or(self, group: impl FnOnce(Group) -> Group) -> Self {
                self.group("or", false, group)
            }

            /// All of the conditions `group` adds (useful inside [`or`](Self::or)).
            pub fn and(self, group: impl FnOnce(Group) -> Group) -> Self {
                self.group("and", false, group)
            }

            /// None of the conditions `group` adds holds... at least not all: `not.or(...)` is
            /// "none of them", [`not_and`](Self::not_and) "not all of them".
            pub fn not_or(self, group: impl FnOnce(Group) -> Group) -> Self {
                self.group("or", true, group)
            }

            /// Not all of the conditions `group` adds.
            pub fn not_and(self, group: impl FnOnce(Group) -> Group) -> Self {
                self.group("and", true, group)
            }

            fn test(mut self, column: impl Into<Column>, operator: impl Into<String>, value: impl Display) -> Self {
                self.$filters.push(column, false, operator, Operand::Value(value.to_string()));
                self
            }

            fn group(mut self, name: &'static str, negated: bool, group: impl FnOnce(Group) -> Group) -> Self {
                let Filters { terms, refused } = group(Group::default()).filters;
                if let Some(why) = refused {
                    self.$filters.refuse(why);
                }
                if !terms.is_empty() {
                    self.$filters.terms.push(Term::Group { name, negated, terms });
                }
                self
            }
        }
    };
}

/// An array, range or JSON value as PostgreSQL reads its text, for [`contains`](Select::contains),
/// [`contained_by`](Select::contained_by), [`overlaps`](Select::overlaps) and the range
/// operators. `Debug` does not show it.
///
/// ```
/// use cloudbase_api::rdb::Literal;
///
/// let tags = Literal::array(["a,b", "null", "{x}"]); // three text elements, none NULL
/// let week = Literal::range("[2026-01-05,2026-01-12)");
/// let meta = Literal::json(&serde_json::json!({"plan": "pro"}));
/// # let _ = (tags, week, meta);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Literal(String);

impl Literal {
    /// An array of text elements, `{"a","b"}`: each element quoted with `"` and `\` escaped,
    /// so one holding `,` `{` `}` `"` or the word `null` stays one text element. PostgreSQL
    /// casts the elements to the column's element type (`{"1","2"}` for an `int[]`).
    pub fn array<V: Display>(values: impl IntoIterator<Item = V>) -> Self {
        let elements: Vec<String> = values.into_iter().map(|v| quote(&v.to_string())).collect();
        Literal(format!("{{{}}}", elements.join(",")))
    }

    /// A range as PostgreSQL writes it: `[1,5)`, `(,10]`, `empty`; taken as it is (PostgreSQL
    /// reads it, and refuses a malformed one).
    pub fn range(text: impl Into<String>) -> Self {
        Literal(text.into())
    }

    /// A JSON value (for `jsonb` columns: `contains` is `@>` on JSON).
    pub fn json(value: &serde_json::Value) -> Self {
        Literal(value.to_string())
    }
}

impl std::fmt::Debug for Literal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Literal").field(&crate::runtime::Redacted).finish()
    }
}

/// The parser of a [`text_search`](Select::text_search) query, and its configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextSearch {
    operator: &'static str,
    config: Option<String>,
}

impl TextSearch {
    /// `to_tsquery`: the query in tsquery syntax (`cat & !dog`), PostgREST's `fts`.
    pub fn tsquery() -> Self {
        TextSearch { operator: "fts", config: None }
    }

    /// `plainto_tsquery`: words, all of which must occur (`plfts`).
    pub fn plain() -> Self {
        TextSearch { operator: "plfts", config: None }
    }

    /// `phraseto_tsquery`: the words as a phrase (`phfts`).
    pub fn phrase() -> Self {
        TextSearch { operator: "phfts", config: None }
    }

    /// `websearch_to_tsquery`: a search-engine query, `"quoted phrase" or -not` (`wfts`).
    pub fn websearch() -> Self {
        TextSearch { operator: "wfts", config: None }
    }

    /// The text search configuration (`english`, `simple`): ASCII letters, digits and `_`.
    pub fn config(mut self, config: impl Into<String>) -> Self {
        self.config = Some(config.into());
        self
    }

    fn operator(&self) -> Result<String, String> {
        match &self.config {
            None => Ok(self.operator.to_owned()),
            Some(config) if plain_name(config) => Ok(format!("{}({config})", self.operator)),
            Some(config) => Err(format!(
                "a text search configuration is a plain name (ASCII letters, digits, `_`), not `{}`",
                crate::error::escape_controls(config)
            )),
        }
    }
}

/// A comparison [`any_of`](Select::any_of) / [`all_of`](Select::all_of) quantify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    /// `=`
    Eq,
    /// `>`
    Gt,
    /// `>=`
    Gte,
    /// `<`
    Lt,
    /// `<=`
    Lte,
    /// `LIKE` (`*` or `%` match any characters)
    Like,
    /// `ILIKE`
    Ilike,
    /// `~`, a POSIX regular expression
    Match,
    /// `~*`
    Imatch,
}

impl Compare {
    /// Every operator PostgREST reads with an optional `(any)` / `(all)` quantifier
    /// (`QueryParams.hs`, `quantOperator`).
    const ALL: [Compare; 9] = [
        Compare::Eq,
        Compare::Gte,
        Compare::Gt,
        Compare::Lte,
        Compare::Lt,
        Compare::Like,
        Compare::Ilike,
        Compare::Match,
        Compare::Imatch,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Compare::Eq => "eq",
            Compare::Gt => "gt",
            Compare::Gte => "gte",
            Compare::Lt => "lt",
            Compare::Lte => "lte",
            Compare::Like => "like",
            Compare::Ilike => "ilike",
            Compare::Match => "match",
            Compare::Imatch => "imatch",
        }
    }
}

/// Operators PostgREST reads with one value and nothing else (`simpleOperator`, and
/// `isdistinct`).
const SINGLE_VALUE: &[&str] = &["neq", "cs", "cd", "ov", "sl", "sr", "nxr", "nxl", "adj", "isdistinct"];

/// The full-text operators, each with an optional `(language)` (`pFts`).
const FULL_TEXT: &[&str] = &["fts", "plfts", "phfts", "wfts"];

/// Whether `text` is a plain name (ASCII letters, digits, `_`), as a text search configuration
/// must be to go into `fts(<config>)`.
fn plain_name(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// How [`not`](Select::not) sends a negated test.
enum Negated {
    /// `not.<operator>.<value>`.
    Value,
    /// `not.is.<keyword>`.
    Keyword(&'static str),
}

/// Whether PostgREST reads `not.<operator>.<value>` as the negation the caller asked for, and
/// how to write it; otherwise why not.
fn negatable(operator: &str, value: &str) -> Result<Negated, String> {
    if operator == "is" {
        // `pIsVal` reads the keyword in any case.
        return Is::ALL
            .iter()
            .map(|is| is.as_str())
            .find(|keyword| keyword.eq_ignore_ascii_case(value))
            .map(Negated::Keyword)
            .ok_or_else(|| {
                format!(
                    "not(.., \"is\", ..) takes null, not_null, true, false or unknown, not `{}`",
                    crate::error::escape_controls(value)
                )
            });
    }
    let (name, argument) = match operator.split_once('(') {
        Some((name, rest)) => match rest.strip_suffix(')') {
            Some(argument) => (name, Some(argument)),
            None => (operator, None),
        },
        None => (operator, None),
    };
    let quantifiable = Compare::ALL.iter().any(|compare| compare.as_str() == name);
    let known = match argument {
        None => quantifiable || SINGLE_VALUE.contains(&name) || FULL_TEXT.contains(&name),
        Some("any" | "all") => quantifiable,
        Some(language) => FULL_TEXT.contains(&name) && plain_name(language),
    };
    if known {
        return Ok(Negated::Value);
    }
    let hint = if operator == "in" { " (a negated list is not_in(column, values))" } else { "" };
    Err(format!(
        "not() takes an operator PostgREST reads with one value (eq, neq, gt, gte, lt, lte, like, ilike, match, \
         imatch, isdistinct, cs, cd, ov, sl, sr, nxr, nxl, adj, fts, plfts, phfts, wfts, a quantified one such as \
         like(any), fts(language)) or is; `{}` is none of them{hint}",
        crate::error::escape_controls(operator)
    ))
}

/// The values of an `in_` / `not_in` list, noting on `filters` a list PostgREST cannot be told.
fn in_list<V: Display>(
    filters: &mut Filters,
    method: &str,
    column: &str,
    values: impl IntoIterator<Item = V>,
) -> Vec<String> {
    let values: Vec<String> = values.into_iter().map(|v| v.to_string()).collect();
    if matches!(values.as_slice(), [only] if only.is_empty()) {
        filters.refuse(format!(
            "{method}(\"{}\", [\"\"]) cannot be sent: PostgREST reads a list of one empty string as the empty \
             list, which matches no row; use eq(column, \"\") for the empty text",
            crate::error::escape_controls(column)
        ));
    }
    values
}

filter_methods!(Group, filters);
filter_methods!(Select, filters);
filter_methods!(Count, filters);
filter_methods!(Update, filters);
filter_methods!(Delete, filters);
filter_methods!(Rpc, filters);
filter_methods!(Referenced, filters);

#[path = "mysqldb/embed.rs"]
mod embed;

pub use embed::{Embed, Referenced, SelectList};

/// Rows read by [`Select::fetch`], with the total when [`Select::count_exact`] asked for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Rows<T> {
    /// The rows of this page.
    pub rows: Vec<T>,
    /// All matching rows, from `Content-Range` (`0-9/100` -> 100).
    pub total: Option<u64>,
}

/// The total of a `Content-Range` value (`0-9/100`, `*/0`); `None` for `*` or a malformed value.
pub fn content_range_total(value: &str) -> Option<u64> {
    value.rsplit_once('/').and_then(|(_, total)| total.trim().parse().ok())
}

fn total<T>(reply: &Response<T>) -> Option<u64> {
    reply.headers().get("content-range").and_then(|v| v.to_str().ok()).and_then(content_range_total)
}

/// Dispatches to the generated operation for the table's path form; `$body` sees the builder as
/// `$b` and must end in `.send().await`.
macro_rules! on_target {
    ($table:expr, $plain:ident, $schema:ident, $instance:ident, |$b:ident| $body:expr) => {{
        let api = $table.client.mysqldb();
        match &$table.target {
            Target::Table(t) => {
                let $b = with_selection!(api.$plain().table(t), &$table.selection);
                $body.map(|r| r.map(Reply::from))
            }
            Target::Schema(s, t) => {
                let $b = with_selection!(api.$schema().schema(s).table(t), &$table.selection);
                $body.map(|r| r.map(Reply::from))
            }
            Target::Instance(i, s, t) => {
                let $b = with_selection!(api.$instance().instance(i).schema(s).table(t), &$table.selection);
                $body.map(|r| r.map(Reply::from))
            }
        }
    }};
}

/// What a reply carries, whichever generated operation it came from: rows, or a read's other
/// formats (CSV, a plan).
enum Reply {
    Many(Vec<Record>),
    One(Record),
    Nothing,
    Text(String),
    Json(serde_json::Value),
    Stream(crate::ByteStream),
}

impl Reply {
    /// The reply's format, for an error saying it is not the one asked for.
    fn kind(&self) -> &'static str {
        match self {
            Reply::Many(_) | Reply::One(_) | Reply::Nothing => "rows",
            Reply::Text(_) => "CSV",
            Reply::Json(_) => "a JSON plan",
            Reply::Stream(_) => "a text plan",
        }
    }
}

macro_rules! query_reply_from {
    ($($ty:ident),*) => {$(
        impl From<g::$ty> for Reply {
            fn from(reply: g::$ty) -> Reply {
                match reply {
                    g::$ty::OkJson(rows) | g::$ty::PartialContentJson(rows) => Reply::Many(rows),
                    g::$ty::OkPgrstObjectJson(row) | g::$ty::PartialContentPgrstObjectJson(row) => Reply::One(row),
                    g::$ty::OkCsv(text) | g::$ty::PartialContentCsv(text) => Reply::Text(text),
                    g::$ty::OkPgrstPlanJson(plan) => Reply::Json(plan),
                    g::$ty::OkPgrstPlanText(plan) => Reply::Stream(plan),
                }
            }
        }
    )*};
}

use crate::mysqldb as g;

query_reply_from!(QueryRecordsResponse, QueryRecordsWithSchemaResponse, QueryRecordsWithInstanceResponse);

macro_rules! write_reply_from {
    ($($ty:ident),*) => {$(
        impl From<g::$ty> for Reply {
            fn from(reply: g::$ty) -> Reply {
                match reply {
                    g::$ty::OkJson(rows) => Reply::Many(rows),
                    g::$ty::OkPgrstObjectJson(row) => Reply::One(row),
                    g::$ty::NoContent(_) => Reply::Nothing,
                }
            }
        }
    )*};
}

write_reply_from!(
    UpdateRecordsResponse,
    UpdateRecordsWithSchemaResponse,
    UpdateRecordsWithInstanceResponse,
    DeleteRecordsResponse,
    DeleteRecordsWithSchemaResponse,
    DeleteRecordsWithInstanceResponse
);

macro_rules! insert_reply_from {
    ($($ty:ident),*) => {$(
        impl From<g::$ty> for Reply {
            fn from(reply: g::$ty) -> Reply {
                match reply {
                    g::$ty::Json(RecordOrRecords::RecordList(rows)) => Reply::Many(rows),
                    g::$ty::Json(RecordOrRecords::Record(row)) | g::$ty::PgrstObjectJson(row) => Reply::One(row),
                    g::$ty::Created => Reply::Nothing,
                }
            }
        }
    )*};
}

insert_reply_from!(InsertRecordsResponse, InsertRecordsWithSchemaResponse, InsertRecordsWithInstanceResponse);

fn typed<T: DeserializeOwned>(head: &Head, row: Record) -> Result<T, Error> {
    crate::error::decode_value(head, serde_json::Value::Object(row))
}

fn rows_of<T: DeserializeOwned>((head, reply): (Head, Reply)) -> Result<Vec<T>, Error> {
    match reply {
        Reply::Many(rows) => rows.into_iter().map(|row| typed(&head, row)).collect(),
        Reply::One(row) => Ok(vec![typed(&head, row)?]),
        Reply::Nothing => Ok(Vec::new()),
        other => Err(wrong_format(head, "rows", &other)),
    }
}

/// A reply in another format than the one asked for (a server that ignored `Accept`), as a
/// decode error of the read.
fn wrong_format(head: Head, expected: &str, reply: &Reply) -> Error {
    crate::DecodeError::error(head, format!("expected {expected}, got {}", reply.kind()), b"")
}

/// A reply to `single()` that is not one row (when the server ignored the single-object form).
fn not_one_row(head: Head, rows: usize) -> Error {
    wrong_row_count(head, "exactly one row", rows)
}

/// A reply of `rows` rows where the caller asked for `expected`, as a decode error of the read
/// (with the reply's head: status, headers, request id).
fn wrong_row_count(head: Head, expected: &str, rows: usize) -> Error {
    crate::DecodeError::error(head, format!("expected {expected}, got {rows}"), b"")
}

fn refuse(operation: &'static str, message: impl Into<String>) -> Error {
    Error::InvalidRequest { operation, message: message.into() }
}

/// Order, paging and counting of a read (a table's rows, or the rows a function returns).
#[derive(Debug, Clone, Default)]
struct Page {
    order: Vec<String>,
    limit: Option<i64>,
    offset: Option<i64>,
    count: Option<&'static str>,
    /// The `Range` header's first and last row (none: to the end).
    header_range: Option<(u64, Option<u64>)>,
}

impl Page {
    /// The `order` parameter, if any term was given.
    fn order(&self) -> Option<String> {
        (!self.order.is_empty()).then(|| self.order.join(","))
    }

    /// The `Prefer` value that asks for the total.
    fn prefer(&self) -> Option<&'static str> {
        self.count
    }

    /// The `Range` header's value (`0-9`, `10-`), if one was asked for.
    fn header_range(&self) -> Result<Option<String>, Error> {
        match self.header_range {
            None => Ok(None),
            Some((from, Some(to))) if to < from => {
                Err(refuse(QUERY, format!("range_header({from}, {to}) ends before it starts")))
            }
            Some((from, Some(to))) => Ok(Some(format!("{from}-{to}"))),
            Some((from, None)) => Ok(Some(format!("{from}-"))),
        }
    }
}

/// A generated read builder (`$builder`) with the columns (`&Option<String>`, the select text
/// as sent) and the order,
/// paging and count of a [`Page`] set on it.
macro_rules! with_page {
    ($builder:expr, $columns:expr, $page:expr) => {{
        let (mut builder, page): (_, &Page) = ($builder, $page);
        if let Some(columns) = $columns {
            builder = builder.select(columns);
        }
        if let Some(order) = page.order() {
            builder = builder.order(order);
        }
        if let Some(limit) = page.limit {
            builder = builder.limit(limit);
        }
        if let Some(offset) = page.offset {
            builder = builder.offset(offset);
        }
        if let Some(prefer) = page.prefer() {
            builder = builder.prefer(prefer);
        }
        builder
    }};
}

/// A `select` text with the whitespace outside double-quoted names taken out, as postgrest-js
/// sends it: PostgREST refuses a line break or a tab there (`PGRST100`), so a select written
/// over several lines would fail. Inside quotes (`"first name"`), where `\"` and `\\` are
/// the escapes, everything is kept.
fn select_text(columns: &str) -> String {
    let mut text = String::with_capacity(columns.len());
    let (mut quoted, mut escaped) = (false, false);
    for c in columns.chars() {
        if quoted {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                quoted = false;
            }
        } else if c.is_whitespace() {
            continue;
        } else if c == '"' {
            quoted = true;
        }
        text.push(c);
    }
    text
}

/// One term of an `order` parameter: `column.asc`, `column.desc.nullslast`.
fn order_term(column: Column, order: Order) -> String {
    let mut term = format!("{}.{}", column.0, if order.descending { "desc" } else { "asc" });
    match order.nulls {
        Some(true) => term.push_str(".nullsfirst"),
        Some(false) => term.push_str(".nullslast"),
        None => {}
    }
    term
}

/// How many rows `from` to `to` (both included) are: none when `to` is before `from`; no
/// overflow at the ends of `i64`.
fn range_length(from: i64, to: i64) -> i64 {
    to.saturating_sub(from).saturating_add(1).max(0)
}

/// The paging methods, shared by the builders that read rows.
macro_rules! page_methods {
    ($builder:ty) => {
        impl $builder {
            /// Sorts by `column`; later calls sort ties further.
            pub fn order(mut self, column: impl Into<Column>, order: Order) -> Self {
                self.page.order.push(order_term(column.into(), order));
                self
            }

            /// At most `count` rows.
            pub fn limit(mut self, count: i64) -> Self {
                self.page.limit = Some(count);
                self
            }

            /// Skips the first `count` rows.
            pub fn offset(mut self, count: i64) -> Self {
                self.page.offset = Some(count);
                self
            }

            /// Rows `from` to `to`, both included, counting from 0.
            pub fn range(self, from: i64, to: i64) -> Self {
                self.offset(from).limit(range_length(from, to))
            }

            /// Also reports the number of all matching rows ([`Rows::total`]), counted
            /// (`Prefer: count=exact`).
            pub fn count_exact(mut self) -> Self {
                self.page.count = Some("count=exact");
                self
            }

            /// Also reports the number of matching rows as PostgreSQL's planner estimates it
            /// (`count=planned`): fast on large tables, approximate (as fresh as the table's
            /// statistics).
            pub fn count_planned(mut self) -> Self {
                self.page.count = Some("count=planned");
                self
            }

            /// Also reports the number of matching rows, counted up to the server's row limit
            /// (`db-max-rows`) and estimated by the planner above it (`count=estimated`).
            pub fn count_estimated(mut self) -> Self {
                self.page.count = Some("count=estimated");
                self
            }
        }
    };
}

page_methods!(Select);
page_methods!(Rpc);

/// The options of a plan ([`Select::explain_json`], [`Select::explain_text`]): PostgreSQL's
/// `EXPLAIN` options, as PostgREST's plan media type carries them (`; options=analyze|verbose`).
/// `analyze` runs the statement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Explain {
    analyze: bool,
    verbose: bool,
    settings: bool,
    buffers: bool,
    wal: bool,
}

impl Explain {
    /// No options: the plan PostgreSQL estimates, without running the statement.
    pub fn new() -> Self {
        Explain::default()
    }

    /// Runs the statement and reports the actual times and rows (`ANALYZE`).
    pub fn analyze(mut self) -> Self {
        self.analyze = true;
        self
    }

    /// Also each node's output columns and more detail (`VERBOSE`).
    pub fn verbose(mut self) -> Self {
        self.verbose = true;
        self
    }

    /// Also the configuration settings that differ from their defaults (`SETTINGS`).
    pub fn settings(mut self) -> Self {
        self.settings = true;
        self
    }

    /// Also the buffer usage (`BUFFERS`; with `analyze`).
    pub fn buffers(mut self) -> Self {
        self.buffers = true;
        self
    }

    /// Also the write-ahead log records made (`WAL`; with `analyze`).
    pub fn wal(mut self) -> Self {
        self.wal = true;
        self
    }

    /// `application/vnd.pgrst.plan+<format>; for="application/json"[; options=...]`, as
    /// postgrest-js writes it.
    fn media_type(self, format: &str) -> String {
        let options: Vec<&str> = [
            (self.analyze, "analyze"),
            (self.verbose, "verbose"),
            (self.settings, "settings"),
            (self.buffers, "buffers"),
            (self.wal, "wal"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        let mut media_type = format!("application/vnd.pgrst.plan+{format}; for=\"application/json\"");
        if !options.is_empty() {
            media_type.push_str("; options=");
            media_type.push_str(&options.join("|"));
        }
        media_type
    }
}

/// A read; from [`Table::select`].
#[derive(Debug, Clone)]
pub struct Select {
    table: Table,
    columns: Option<SelectList>,
    filters: Filters,
    page: Page,
    /// The conditions, order and range of each embedded resource, by its name.
    referenced: Vec<(String, Referenced)>,
}

impl Select {
    /// Rows `from` to `to`, both included, counting from 0, asked for by the `Range` header
    /// (`Range-Unit: items`, `Range: from-to`) rather than by `limit`/`offset`: PostgREST
    /// answers 206 Partial Content when the range holds fewer rows than the counted total
    /// ([`count_exact`](Self::count_exact)), 200 otherwise, with the same `Content-Range`
    /// ([`Rows::total`]); a range starting past the total is 416 (`PGRST103`, an
    /// [`Error::Api`]). With [`limit`](Self::limit) / [`offset`](Self::offset) too, PostgREST
    /// reads the rows both allow. `to < from` is refused before any I/O.
    pub fn range_header(mut self, from: u64, to: u64) -> Self {
        self.page.header_range = Some((from, Some(to)));
        self
    }

    /// The rows from `from` (counting from 0) to the end, asked for by the `Range` header
    /// (`Range: from-`); see [`range_header`](Self::range_header).
    pub fn range_header_from(mut self, from: u64) -> Self {
        self.page.header_range = Some((from, None));
        self
    }

    /// The filters, logic groups, order and range of the embedded resource `embedding` (its
    /// alias, if the select gives it one): which of its rows come with each row, and, for an
    /// [`Embed::inner`] join, which rows are read at all. The conditions are on the embedded
    /// table's columns. Calling it again for the same embedding adds to it.
    ///
    /// ```no_run
    /// use cloudbase_api::rdb::{Embed, Order, SelectList};
    ///
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// // Customers with a paid order, each with its three largest paid orders:
    /// // select=id,name,orders!inner(id,total)&orders.status=eq.paid
    /// //   &orders.order=total.desc&orders.limit=3
    /// let columns = SelectList::new()
    ///     .column("id")
    ///     .column("name")
    ///     .embed(Embed::new("orders").inner().select(SelectList::new().column("id").column("total")));
    /// let customers = client.mysqldb().from("customers")
    ///     .select(columns)
    ///     .on("orders", |orders| orders.eq("status", "paid").order("total", Order::desc()).limit(3))
    ///     .fetch::<serde_json::Value>()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn on(mut self, embedding: &str, referenced: impl FnOnce(Referenced) -> Referenced) -> Self {
        embed::on(&mut self.referenced, embedding, referenced);
        self
    }

    /// The matching rows, each decoded as `T`.
    pub async fn fetch<T: DeserializeOwned>(self) -> Result<Rows<T>, Error> {
        let (head, reply, total) = self.send(None).await?;
        Ok(Rows { rows: rows_of((head, reply))?, total })
    }

    /// Exactly one row, asked for as PostgREST's single object
    /// (`Accept: application/vnd.pgrst.object+json`): zero or several matching rows are an
    /// error (PostgREST answers 406, an [`Error::Api`]).
    pub async fn single<T: DeserializeOwned>(self) -> Result<T, Error> {
        let (head, reply, _) = self.send(Some("application/vnd.pgrst.object+json".to_owned())).await?;
        match reply {
            Reply::One(row) => typed(&head, row),
            Reply::Many(mut rows) if rows.len() == 1 => typed(&head, rows.remove(0)),
            Reply::Many(rows) => Err(not_one_row(head, rows.len())),
            Reply::Nothing => Err(not_one_row(head, 0)),
            other => Err(wrong_format(head, "one row", &other)),
        }
    }

    /// At most one row, as postgrest-js's `maybeSingle()`: `None` when no row matches, the row
    /// when one does; several matching rows are an error ([`Error::Decode`]). The rows are read
    /// as a list, so no row is not an error on the server's side either.
    pub async fn maybe_single<T: DeserializeOwned>(self) -> Result<Option<T>, Error> {
        let (head, reply, _) = self.send(None).await?;
        match reply {
            Reply::One(row) => typed(&head, row).map(Some),
            Reply::Many(mut rows) if rows.len() <= 1 => rows.pop().map(|row| typed(&head, row)).transpose(),
            Reply::Many(rows) => Err(wrong_row_count(head, "at most one row", rows.len())),
            Reply::Nothing => Ok(None),
            other => Err(wrong_format(head, "at most one row", &other)),
        }
    }

    /// The matching rows as CSV (`Accept: text/csv`), as postgrest-js's `csv()`: a header line of
    /// the column names, then one line per row, as PostgREST writes it.
    pub async fn csv(self) -> Result<String, Error> {
        let (head, reply, _) = self.send(Some("text/csv".to_owned())).await?;
        match reply {
            Reply::Text(text) => Ok(text),
            other => Err(wrong_format(head, "CSV", &other)),
        }
    }

    /// The plan PostgreSQL makes for the read, as JSON (`EXPLAIN (FORMAT JSON)`; `Accept:
    /// application/vnd.pgrst.plan+json`), with the [`Explain`] options; postgrest-js's
    /// `explain({format: "json"})`. PostgREST serves plans only where its configuration allows
    /// it (`db-plan-enabled`); otherwise the call fails as the server answers.
    ///
    /// ```no_run
    /// use cloudbase_api::rdb::Explain;
    ///
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// let plan = client.mysqldb().from("students").select("*").eq("grade", 3)
    ///     .explain_json(Explain::new().analyze().buffers())
    ///     .await?;
    /// println!("{}", plan[0]["Plan"]["Node Type"]);
    /// # Ok(()) }
    /// ```
    pub async fn explain_json(self, options: Explain) -> Result<serde_json::Value, Error> {
        let (head, reply, _) = self.send(Some(options.media_type("json"))).await?;
        match reply {
            Reply::Json(plan) => Ok(plan),
            other => Err(wrong_format(head, "a JSON plan", &other)),
        }
    }

    /// The plan PostgreSQL makes for the read, as text (`EXPLAIN (FORMAT TEXT)`; `Accept:
    /// application/vnd.pgrst.plan+text`), with the [`Explain`] options; see
    /// [`explain_json`](Self::explain_json).
    pub async fn explain_text(self, options: Explain) -> Result<String, Error> {
        let (head, reply, _) = self.send(Some(options.media_type("text"))).await?;
        match reply {
            Reply::Stream(plan) => {
                let bytes = plan.collect().await?;
                String::from_utf8(bytes.to_vec())
                    .map_err(|e| crate::DecodeError::error(head, format!("the plan is not UTF-8: {e}"), &bytes))
            }
            other => Err(wrong_format(head, "a text plan", &other)),
        }
    }

    async fn send(self, accept: Option<String>) -> Result<(Head, Reply, Option<u64>), Error> {
        let Select { table, columns, filters, page, referenced } = self;
        let range = page.header_range()?;
        let mut query = filters.into_query().map_err(|why| refuse(QUERY, why))?;
        embed::referenced_pairs(referenced, &mut query).map_err(|why| refuse(QUERY, why))?;
        let columns = columns.map(|c| c.text()).transpose().map_err(|why| refuse(QUERY, why))?;
        let reply = on_target!(table, query_records, query_records_with_schema, query_records_with_instance, |b| {
            let mut b = with_page!(b.filters(query.clone()), &columns, &page);
            if let Some(accept) = &accept {
                b = b.accept(accept);
            }
            if let Some(range) = &range {
                b = b.range_unit("items").range(range);
            }
            b.send().await
        })?;
        let total = total(&reply);
        Ok((reply.head.clone(), reply.into_inner(), total))
    }
}

/// A count; from [`Table::count`].
#[derive(Debug, Clone)]
pub struct Count {
    table: Table,
    filters: Filters,
}

impl Count {
    /// The number of matching rows, from `Content-Range`.
    pub async fn send(self) -> Result<u64, Error> {
        let Count { table, filters } = self;
        // The spec documents counting (HEAD) for tables of the system database only.
        let Target::Table(name) = &table.target else {
            return Err(refuse(
                "countRecords",
                "counting is documented only for tables of the system database (from())",
            ));
        };
        let count = table
            .client
            .mysqldb()
            .count_records()
            .table(name)
            .filters(filters.into_query().map_err(|why| refuse("countRecords", why))?);
        let reply = with_selection!(count, &table.selection).send().await?;
        total(&reply).ok_or_else(|| crate::error::reply_error(&reply, "the reply has no total in Content-Range"))
    }
}

/// How an insert treats rows whose key already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Update the existing row with the new values (`resolution=merge-duplicates`).
    MergeDuplicates,
    /// Keep the existing row (`resolution=ignore-duplicates`).
    IgnoreDuplicates,
}

/// An insert; from [`Table::insert`]. `Debug` shows the rows' column names, not their values.
#[derive(Clone)]
pub struct Insert {
    table: Table,
    body: Result<RecordOrRecords, String>,
    resolution: Option<Resolution>,
    on_conflict: Option<String>,
    missing_default: bool,
    columns: Option<SelectList>,
}

impl Insert {
    /// Makes the insert an upsert (on the primary key, unless [`on_conflict`](Self::on_conflict)
    /// names other columns).
    pub fn upsert(mut self, resolution: Resolution) -> Self {
        self.resolution = Some(resolution);
        self
    }

    /// The unique column(s) an upsert detects conflicts on, instead of the primary key
    /// (PostgREST's `on_conflict`): names of columns, each written as PostgREST reads it.
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// use cloudbase_api::rdb::Resolution;
    /// use serde_json::json;
    ///
    /// client.mysqldb().from("students")
    ///     .insert(json!([{"student_no": "S-001", "name": "Li Bai", "grade": 3}]))
    ///     .upsert(Resolution::MergeDuplicates)
    ///     .on_conflict(["student_no"])
    ///     .execute()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn on_conflict<I, S>(mut self, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let names: Vec<String> = columns.into_iter().map(|c| column_name(c.as_ref())).collect();
        self.on_conflict = Some(names.join(","));
        self
    }

    /// Columns a row of several leaves out take their default instead of NULL (`Prefer:
    /// missing=default`). Inserting several rows always names the columns they give (the union
    /// of their keys, PostgREST's `columns`, as postgrest-js sends it).
    pub fn missing_default(mut self) -> Self {
        self.missing_default = true;
        self
    }

    /// The columns [`returning`](Self::returning) reads back, in PostgREST's select syntax
    /// (`id,name`; whitespace outside double-quoted names dropped) or as a [`SelectList`];
    /// every column without it.
    pub fn select(mut self, columns: impl Into<SelectList>) -> Self {
        self.columns = Some(columns.into());
        self
    }

    /// Inserts and returns the written rows (`return=representation`), each decoded as `T`.
    pub async fn returning<T: DeserializeOwned>(self) -> Result<Vec<T>, Error> {
        rows_of(self.send("return=representation").await?)
    }

    /// Inserts without reading anything back (`return=minimal`).
    pub async fn execute(self) -> Result<(), Error> {
        self.send("return=minimal").await.map(|_| ())
    }

    /// Inserts, reading back only the address of the new row (`return=headers-only`): its
    /// `Location` header, `/students?id=eq.7`, by the primary key. PostgREST sends it when the
    /// insert made exactly one row in a table with a primary key; `None` otherwise.
    pub async fn location(self) -> Result<Option<String>, Error> {
        let (head, _) = self.send("return=headers-only").await?;
        let Some(value) = head.headers.get(reqwest::header::LOCATION) else { return Ok(None) };
        match value.to_str() {
            Ok(location) => Ok(Some(location.to_owned())),
            Err(_) => {
                let bytes = value.as_bytes().to_vec();
                Err(crate::DecodeError::error(head, "the Location header is not visible ASCII", &bytes))
            }
        }
    }

    async fn send(self, returning: &str) -> Result<(Head, Reply), Error> {
        let Insert { table, body, resolution, on_conflict, missing_default, columns: selected } = self;
        let selected = returned_columns("insertRecords", selected, returning)?;
        let body = body.map_err(|message| refuse("insertRecords", message))?;
        if on_conflict.is_some() && resolution.is_none() {
            return Err(refuse("insertRecords", "on_conflict() names the columns of an upsert: call .upsert(..) too"));
        }
        let mut prefer = match resolution {
            Some(Resolution::MergeDuplicates) => format!("{returning},resolution=merge-duplicates"),
            Some(Resolution::IgnoreDuplicates) => format!("{returning},resolution=ignore-duplicates"),
            None => returning.to_owned(),
        };
        if missing_default {
            prefer.push_str(",missing=default");
        }
        let columns = match &body {
            RecordOrRecords::RecordList(rows) => Some(columns_of(rows)),
            RecordOrRecords::Record(_) => None,
        };
        let reply = on_target!(table, insert_records, insert_records_with_schema, insert_records_with_instance, |b| {
            let mut b = b.prefer(&prefer).body(body.clone());
            if let Some(columns) = &columns {
                b = b.columns(columns);
            }
            if let Some(on_conflict) = &on_conflict {
                b = b.on_conflict(on_conflict);
            }
            if let Some(selected) = &selected {
                b = b.select(selected);
            }
            b.send().await
        });
        let reply = reply?;
        Ok((reply.head.clone(), reply.into_inner()))
    }
}

/// A write's `Prefer`: `returning`, and the strict row limit when there is one.
fn with_max_affected(returning: &str, max_affected: Option<u64>) -> String {
    match max_affected {
        Some(rows) => format!("{returning},handling=strict,max-affected={rows}"),
        None => returning.to_owned(),
    }
}

/// The `select` of a write: the columns asked for, when the write reads rows back.
fn returned_columns(
    operation: &'static str,
    columns: Option<SelectList>,
    returning: &str,
) -> Result<Option<String>, Error> {
    columns
        .filter(|_| returning == "return=representation")
        .map(|c| c.text())
        .transpose()
        .map_err(|why| refuse(operation, why))
}

/// The `columns` of a multi-row insert: every key of the rows, in the order they first appear,
/// each in double quotes (as postgrest-js writes them; PostgREST's field-name parser reads a
/// quoted name whatever it holds).
fn columns_of(rows: &[Record]) -> String {
    let mut seen = std::collections::BTreeSet::new();
    let mut columns = Vec::new();
    for key in rows.iter().flat_map(|row| row.keys()) {
        if seen.insert(key.as_str()) {
            columns.push(quote(key));
        }
    }
    columns.join(",")
}

/// An update; from [`Table::update`]. `Debug` shows the columns set, not their values.
#[derive(Clone)]
pub struct Update {
    table: Table,
    body: Result<Record, String>,
    filters: Filters,
    all_rows: bool,
    columns: Option<SelectList>,
    max_affected: Option<u64>,
}

impl Update {
    /// Updates every row of the table: without this, an update with no filter is refused.
    pub fn all_rows(mut self) -> Self {
        self.all_rows = true;
        self
    }

    /// The columns [`returning`](Self::returning) reads back, in PostgREST's select syntax
    /// (`id,name`; whitespace outside double-quoted names dropped) or as a [`SelectList`];
    /// every column without it.
    pub fn select(mut self, columns: impl Into<SelectList>) -> Self {
        self.columns = Some(columns.into());
        self
    }

    /// Fails, changing nothing, when more than `rows` rows would change (`Prefer:
    /// handling=strict, max-affected=N`; PostgREST answers 400 `PGRST124`, an [`Error::Api`],
    /// and rolls the statement back). PostgREST 12 and later enforce it; an older server
    /// ignores the preference and writes whatever matches.
    pub fn max_affected(mut self, rows: u64) -> Self {
        self.max_affected = Some(rows);
        self
    }

    /// Updates and returns the changed rows, each decoded as `T`.
    pub async fn returning<T: DeserializeOwned>(self) -> Result<Vec<T>, Error> {
        rows_of(self.send("return=representation").await?)
    }

    /// Updates without reading anything back.
    pub async fn execute(self) -> Result<(), Error> {
        self.send("return=minimal").await.map(|_| ())
    }

    async fn send(self, returning: &str) -> Result<(Head, Reply), Error> {
        let Update { table, body, filters, all_rows, columns, max_affected } = self;
        let columns = returned_columns("updateRecords", columns, returning)?;
        let prefer = with_max_affected(returning, max_affected);
        let body = body.map_err(|message| refuse("updateRecords", message))?;
        if filters.is_empty() && !all_rows {
            return Err(refuse(
                "updateRecords",
                "an update without a filter changes every row; call .all_rows() to mean that",
            ));
        }
        let query = filters.into_query().map_err(|why| refuse("updateRecords", why))?;
        let reply = on_target!(table, update_records, update_records_with_schema, update_records_with_instance, |b| {
            let b = b.filters(query.clone()).prefer(&prefer).body(body.clone());
            match &columns {
                Some(columns) => b.select(columns),
                None => b,
            }
            .send()
            .await
        });
        let reply = reply?;
        Ok((reply.head.clone(), reply.into_inner()))
    }
}

/// A delete; from [`Table::delete`].
#[derive(Debug, Clone)]
pub struct Delete {
    table: Table,
    filters: Filters,
    all_rows: bool,
    columns: Option<SelectList>,
    max_affected: Option<u64>,
}

impl Delete {
    /// Deletes every row of the table: without this, a delete with no filter is refused.
    pub fn all_rows(mut self) -> Self {
        self.all_rows = true;
        self
    }

    /// The columns [`returning`](Self::returning) reads back, in PostgREST's select syntax
    /// (`id,name`; whitespace outside double-quoted names dropped) or as a [`SelectList`];
    /// every column without it.
    pub fn select(mut self, columns: impl Into<SelectList>) -> Self {
        self.columns = Some(columns.into());
        self
    }

    /// Fails, changing nothing, when more than `rows` rows would change (`Prefer:
    /// handling=strict, max-affected=N`; PostgREST answers 400 `PGRST124`, an [`Error::Api`],
    /// and rolls the statement back). PostgREST 12 and later enforce it; an older server
    /// ignores the preference and writes whatever matches.
    pub fn max_affected(mut self, rows: u64) -> Self {
        self.max_affected = Some(rows);
        self
    }

    /// Deletes and returns the deleted rows, each decoded as `T`.
    pub async fn returning<T: DeserializeOwned>(self) -> Result<Vec<T>, Error> {
        rows_of(self.send("return=representation").await?)
    }

    /// Deletes without reading anything back.
    pub async fn execute(self) -> Result<(), Error> {
        self.send("return=minimal").await.map(|_| ())
    }

    async fn send(self, returning: &str) -> Result<(Head, Reply), Error> {
        let Delete { table, filters, all_rows, columns, max_affected } = self;
        let columns = returned_columns("deleteRecords", columns, returning)?;
        let prefer = with_max_affected(returning, max_affected);
        if filters.is_empty() && !all_rows {
            return Err(refuse(
                "deleteRecords",
                "a delete without a filter removes every row; call .all_rows() to mean that",
            ));
        }
        let query = filters.into_query().map_err(|why| refuse("deleteRecords", why))?;
        let reply = on_target!(table, delete_records, delete_records_with_schema, delete_records_with_instance, |b| {
            let b = b.filters(query.clone()).prefer(&prefer);
            match &columns {
                Some(columns) => b.select(columns),
                None => b,
            }
            .send()
            .await
        });
        let reply = reply?;
        Ok((reply.head.clone(), reply.into_inner()))
    }
}

/// A call of a database function; from [`MysqldbApi::rpc`]. `Debug` names the function and its
/// arguments, never an argument's value (a password to check, an email).
#[derive(Clone)]
pub struct Rpc {
    client: Client,
    selection: Selection,
    function: String,
    args: Result<serde_json::Value, String>,
    columns: Option<String>,
    filters: Filters,
    page: Page,
    read_only: bool,
}

impl std::fmt::Debug for Rpc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rpc")
            .field("client", &self.client)
            .field("selection", &self.selection)
            .field("function", &self.function)
            .field("args", &HiddenArgs(&self.args))
            .field("columns", &self.columns)
            .field("filters", &self.filters)
            .field("page", &self.page)
            .field("read_only", &self.read_only)
            .finish()
    }
}

/// A function's arguments for `Debug`: their names, each value `<redacted>` (the values are the
/// caller's data, as a generated builder's parameters are); why they could not be serialized.
struct HiddenArgs<'a>(&'a Result<serde_json::Value, String>);

impl std::fmt::Debug for HiddenArgs<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Ok(serde_json::Value::Object(args)) => std::fmt::Debug::fmt(&Keys(args), f),
            Ok(_) => std::fmt::Debug::fmt(&crate::runtime::Redacted, f),
            Err(message) => f.debug_tuple("Err").field(message).finish(),
        }
    }
}

/// A JSON object for `Debug`: its keys, each value `<redacted>`.
struct Keys<'a>(&'a Record);

impl std::fmt::Debug for Keys<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.0.keys().map(|name| (name, crate::runtime::Redacted))).finish()
    }
}

impl std::fmt::Debug for Insert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rows: Result<Vec<Keys<'_>>, &String> = match &self.body {
            Ok(RecordOrRecords::Record(row)) => Ok(vec![Keys(row)]),
            Ok(RecordOrRecords::RecordList(rows)) => Ok(rows.iter().map(Keys).collect()),
            Err(message) => Err(message),
        };
        f.debug_struct("Insert")
            .field("table", &self.table)
            .field("rows", &rows)
            .field("resolution", &self.resolution)
            .field("on_conflict", &self.on_conflict)
            .field("missing_default", &self.missing_default)
            .field("columns", &self.columns)
            .finish()
    }
}

impl std::fmt::Debug for Update {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Update")
            .field("table", &self.table)
            .field("values", &self.body.as_ref().map(Keys))
            .field("filters", &self.filters)
            .field("all_rows", &self.all_rows)
            .field("columns", &self.columns)
            .field("max_affected", &self.max_affected)
            .finish()
    }
}

const RPC: &str = "callRpc";
const RPC_GET: &str = "callRpcGet";

impl Rpc {
    /// Calls a read-only (`STABLE` or `IMMUTABLE`) function by `GET`, its arguments in the query,
    /// as PostgREST allows for functions that change nothing (and as a cache or a replica may
    /// then serve it). Each argument must be a string, number or boolean.
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// use serde_json::json;
    ///
    /// let total: i64 = client.mysqldb().rpc("count_students", json!({"min_grade": 3})).get().value().await?;
    /// # Ok(()) }
    /// ```
    pub fn get(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// The number of rows a read-only function returns, filtered (`HEAD` with `Prefer:
    /// count=exact`; nothing else is read).
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// use serde_json::json;
    ///
    /// let rows = client.mysqldb().rpc("students_in", json!({"grade": 3})).eq("status", "active").count().await?;
    /// # Ok(()) }
    /// ```
    pub async fn count(self) -> Result<u64, Error> {
        let Rpc { client, selection, function, args, filters, .. } = self;
        let args = query_args(args)?;
        let call = client
            .mysqldb()
            .call_rpc_head()
            .function(function)
            .args(args)
            .filters(filters.into_query().map_err(|why| refuse("callRpcHead", why))?);
        let reply = with_selection!(call, &selection).send().await?;
        total(&reply).ok_or_else(|| crate::error::reply_error(&reply, "the reply has no total in Content-Range"))
    }

    /// The columns to keep of the rows the function returns (PostgREST's select syntax).
    pub fn select(mut self, columns: impl Into<String>) -> Self {
        self.columns = Some(columns.into());
        self
    }

    /// The rows the function returns, each decoded as `T` (a function returning one row or
    /// value gives one item; one returning nothing, none).
    pub async fn fetch<T: DeserializeOwned>(self) -> Result<Rows<T>, Error> {
        let (head, value, total) = self.send().await?;
        let rows = match value {
            serde_json::Value::Array(items) => items,
            serde_json::Value::Null => Vec::new(),
            one => vec![one],
        };
        let rows = rows.into_iter().map(|row| crate::error::decode_value(&head, row)).collect::<Result<_, _>>()?;
        Ok(Rows { rows, total })
    }

    /// Whatever the function returned, decoded as `T` (a `void` function gives JSON `null`, so
    /// `()` or an `Option`).
    pub async fn value<T: DeserializeOwned>(self) -> Result<T, Error> {
        let (head, value, _) = self.send().await?;
        crate::error::decode_value(&head, value)
    }

    /// Calls the function and ignores what it returns.
    pub async fn execute(self) -> Result<(), Error> {
        self.send().await.map(|_| ())
    }

    async fn send(self) -> Result<(Head, serde_json::Value, Option<u64>), Error> {
        if self.read_only {
            return self.send_get().await;
        }
        let Rpc { client, selection, function, args, columns, filters, page, .. } = self;
        let columns = columns.map(|c| select_text(&c));
        let args = args.map_err(|message| refuse(RPC, message))?;
        let call = client
            .mysqldb()
            .call_rpc()
            .function(function)
            .filters(filters.into_query().map_err(|why| refuse(RPC, why))?)
            .body(args);
        let call = with_selection!(call, &selection);
        let reply = with_page!(call, &columns, &page).send().await?;
        let total = total(&reply);
        let head = reply.head.clone();
        let value = match reply.into_inner() {
            crate::mysqldb::CallRpcResponse::Ok(value) => value,
            crate::mysqldb::CallRpcResponse::NoContent => serde_json::Value::Null,
        };
        Ok((head, value, total))
    }

    async fn send_get(self) -> Result<(Head, serde_json::Value, Option<u64>), Error> {
        let Rpc { client, selection, function, args, columns, filters, page, .. } = self;
        let columns = columns.map(|c| select_text(&c));
        let args = query_args(args)?;
        let call = client
            .mysqldb()
            .call_rpc_get()
            .function(function)
            .args(args)
            .filters(filters.into_query().map_err(|why| refuse(RPC_GET, why))?);
        let call = with_selection!(call, &selection);
        let reply = with_page!(call, &columns, &page).send().await?;
        let total = total(&reply);
        Ok((reply.head.clone(), reply.into_inner(), total))
    }
}

/// A function's arguments as query pairs, for `GET` and `HEAD` calls: each a string, number or
/// boolean (PostgREST reads each pair as one argument's text).
fn query_args(args: Result<serde_json::Value, String>) -> Result<std::collections::BTreeMap<String, String>, Error> {
    let args = args.map_err(|message| refuse(RPC_GET, message))?;
    let serde_json::Value::Object(args) = args else {
        return Err(refuse(RPC_GET, "the arguments of a GET call are an object of named arguments"));
    };
    args.into_iter()
        .map(|(name, value)| match value {
            serde_json::Value::String(text) => Ok((name, text)),
            serde_json::Value::Number(n) => Ok((name, n.to_string())),
            serde_json::Value::Bool(b) => Ok((name, b.to_string())),
            other => Err(refuse(
                RPC_GET,
                format!("argument `{name}` is {other}: a GET call takes strings, numbers and booleans (use POST)"),
            )),
        })
        .collect()
}

/// A SQL statement; from [`MysqldbApi::sql`]. `Debug` shows the statement, the role and one
/// `<redacted>` for each parameter: the values are the caller's data (pass secrets as
/// parameters, never in the statement's text).
#[derive(Clone)]
pub struct Sql {
    client: Client,
    statement: String,
    parameters: Result<Vec<serde_json::Value>, String>,
    role: Option<crate::mysqldb::ExecPgsqlRequestRole>,
}

impl std::fmt::Debug for Sql {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parameters =
            self.parameters.as_ref().map(|values| values.iter().map(|_| crate::runtime::Redacted).collect::<Vec<_>>());
        f.debug_struct("Sql")
            .field("client", &self.client)
            .field("statement", &self.statement)
            .field("parameters", &parameters)
            .field("role", &self.role)
            .finish()
    }
}

const SQL: &str = "execPgsql";

impl Sql {
    /// The value of the next placeholder (`$1`, then `$2`, ...). Some environments are reported
    /// to refuse placeholders; the statement then fails with an [`Error::Api`].
    pub fn param(mut self, value: impl Serialize) -> Self {
        if let Ok(parameters) = &mut self.parameters {
            match serde_json::to_value(value) {
                Ok(value) => parameters.push(value),
                Err(e) => {
                    self.parameters = Err(format!("parameter ${} cannot be serialized: {e}", parameters.len() + 1))
                }
            }
        }
        self
    }

    /// The values of the placeholders, in order (after those given already).
    pub fn params<V: Serialize>(self, values: impl IntoIterator<Item = V>) -> Self {
        values.into_iter().fold(self, Sql::param)
    }

    /// The database role the statement runs as.
    pub fn role(mut self, role: crate::mysqldb::ExecPgsqlRequestRole) -> Self {
        self.role = Some(role);
        self
    }

    /// Runs as `cloudbase_postgres`, which may write (without a role, statements run in a
    /// read-only transaction).
    pub fn writable(self) -> Self {
        self.role(crate::mysqldb::ExecPgsqlRequestRole::CloudbasePostgres)
    }

    /// The rows the statement returned, each decoded as `T`.
    pub async fn fetch<T: DeserializeOwned>(self) -> Result<Vec<T>, Error> {
        let (head, rows) = self.send().await?;
        rows.into_iter().map(|row| typed(&head, row)).collect()
    }

    /// Runs the statement and ignores the rows.
    pub async fn execute(self) -> Result<(), Error> {
        self.send().await.map(|_| ())
    }

    async fn send(self) -> Result<(Head, Vec<Record>), Error> {
        let Sql { client, statement, parameters, role } = self;
        let parameters = parameters.map_err(|message| refuse(SQL, message))?;
        let request = crate::mysqldb::ExecPgsqlRequest {
            sql: statement,
            parameters: (!parameters.is_empty()).then_some(parameters),
            role,
        };
        let reply = client.mysqldb().exec_pgsql().body(request).send().await?;
        Ok((reply.head.clone(), reply.into_inner()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_is_its_rows_counted_without_overflow() {
        assert_eq!((range_length(0, 9), range_length(5, 5), range_length(5, 2)), (10, 1, 0));
        assert_eq!((range_length(i64::MIN, i64::MAX), range_length(i64::MAX, i64::MIN)), (i64::MAX, 0));
    }

    // PostgREST's `pQuotedValue`: `"..."`, with `\"` and `\\` as the escapes inside.
    #[test]
    fn quoted_values_escape_quotes_and_backslashes() {
        assert_eq!(quote("a,b"), r#""a,b""#);
        assert_eq!(quote(r#"say "hi" \ bye"#), r#""say \"hi\" \\ bye""#);
        assert_eq!(quote(""), r#""""#);
    }

    // A top-level operand is taken literally (PostgREST #1943, #1384; supabase-swift #1268,
    // measured: `txt=eq.a,b` matches `a,b`, `txt=eq."a,b"` matches nothing); in a list each
    // value is quoted (`in.("a,b")` is one value, `in.(a,b)` two).
    #[test]
    fn top_level_operands_are_sent_as_they_are_and_list_values_quoted() {
        let query = Group::default()
            .eq("name", "a,b")
            .not("bio", "like", "*(x)*")
            .in_("tag", ["a,b", "c\"d"])
            .filters
            .into_query()
            .unwrap();
        assert_eq!(query["name"], "eq.a,b");
        assert_eq!(query["bio"], "not.like.*(x)*");
        assert_eq!(query["tag"], r#"in.("a,b","c\"d")"#);
    }

    // `pFieldName`: a quoted name, or identifier characters; `order`, `or`, `select`, ... are
    // parameters, not columns, as query keys.
    #[test]
    fn column_names_are_quoted_unless_plain() {
        assert_eq!(column_name("grade_2"), "grade_2");
        assert_eq!(column_name("a.b, c"), r#""a.b, c""#);
        assert_eq!(column_name("my col"), r#""my col""#);
        assert_eq!(column_name("order"), r#""order""#);
        assert_eq!(column_name("or"), r#""or""#);
    }

    #[test]
    fn content_ranges() {
        assert_eq!(content_range_total("0-9/100"), Some(100));
        assert_eq!(content_range_total("*/0"), Some(0));
        assert_eq!(content_range_total("0-9/*"), None);
        assert_eq!(content_range_total("garbage"), None);
    }

    // `pOpExpr`: `not.` then any operator with its operand; `is` takes a keyword.
    #[test]
    fn negations_are_written_as_postgrest_reads_them() {
        let query = |group: Group| group.filters.into_query();
        let q = query(
            Group::default()
                .not("a", "is", "NULL")
                .not("b", "match", "^x")
                .not("c", "like(any)", "{a*,b*}")
                .not("d", "fts(english)", "cat & dog")
                .not_in("e", ["x,y", ""]),
        )
        .unwrap();
        assert_eq!(q["a"], "not.is.null");
        assert_eq!(q["b"], "not.match.^x");
        assert_eq!(q["c"], "not.like(any).{a*,b*}");
        assert_eq!(q["d"], "not.fts(english).cat & dog");
        assert_eq!(q["e"], r#"not.in.("x,y","")"#);
        let q = query(Group::default().or(|g| g.not("a", "isdistinct", "x,y").not("b", "is", "true"))).unwrap();
        assert_eq!(q["or"], r#"(a.not.isdistinct."x,y",b.not.is.true)"#);
        for operator in ["in", "nope", "eq()", "eq(any", "cs(any)", "fts()", "fts(a b)", "is"] {
            let why = query(Group::default().not("a", operator, "zz")).unwrap_err();
            assert!(
                why.contains(&format!("`{}`", if operator == "is" { "zz" } else { operator })),
                "{operator}: {why}"
            );
        }
        // A refusal inside a group fails the whole, the first one reported.
        let why = query(Group::default().eq("a", 1).or(|g| g.not("b", "nope", 1).in_("c", [""]))).unwrap_err();
        assert!(why.contains("`nope`"), "{why}");
        assert!(query(Group::default().in_("a", [""])).is_err());
        assert_eq!(query(Group::default().in_("a", ["", ""])).unwrap()["a"], r#"in.("","")"#);
        assert_eq!(query(Group::default().in_("a", Vec::<&str>::new())).unwrap()["a"], "in.()");
    }

    // `pOpExpr` with `simpleOperator`, `quantOperator` and `pFts`; a literal is one operand.
    #[test]
    fn array_range_json_and_text_search_operators_are_written_as_postgrest_reads_them() {
        let q = Group::default()
            .contains("tags", Literal::array(["a,b", "null"]))
            .overlaps("span", Literal::range("[1,5)"))
            .contained_by("meta", Literal::json(&serde_json::json!({"k": "v"})))
            .text_search("words", "cat & dog", TextSearch::websearch().config("english"))
            .any_of("body", Compare::Like, ["*a*", "b"])
            .is("x", Is::NotNull)
            .filters
            .into_query()
            .unwrap();
        assert_eq!(q["tags"], r#"cs.{"a,b","null"}"#);
        assert_eq!(q["span"], "ov.[1,5)");
        assert_eq!(q["meta"], r#"cd.{"k":"v"}"#);
        assert_eq!(q["words"], "wfts(english).cat & dog");
        assert_eq!(q["body"], r#"like(any).{"*a*","b"}"#);
        assert_eq!(q["x"], "is.not_null");
        let q =
            Group::default().or(|g| g.contains("tags", Literal::array(["a,b"])).all_of("n", Compare::Gt, [1])).filters;
        assert_eq!(q.into_query().unwrap()["or"], r#"(tags.cs."{\"a,b\"}",n.gt(all)."{\"1\"}")"#);
        assert_eq!(format!("{:?}", Literal::array(["s-Secret"])), "Literal(<redacted>)");
        let refused = Group::default().text_search("w", "x", TextSearch::plain().config("a b")).filters.into_query();
        assert!(refused.unwrap_err().contains("`a b`"));
    }

    // postgrest-js: whitespace goes unless inside double quotes.
    #[test]
    fn select_texts_lose_whitespace_outside_quoted_names() {
        assert_eq!(select_text("id,\n  name,\tclass_id ( grade )"), "id,name,class_id(grade)");
        assert_eq!(select_text(r#""first name", "say \"hi  there\"" , x"#), r#""first name","say \"hi  there\"",x"#);
        assert_eq!(select_text(r#""a\\" , b"#), r#""a\\",b"#);
        assert_eq!(select_text("*"), "*");
    }

    #[test]
    fn shared_keys_go_into_one_and_group() {
        let filters = Group::default()
            .gt("age", 18)
            .lt("age", 65)
            .eq("name", "a,b")
            .or(|g| g.eq("x", 1))
            .or(|g| g.eq("y", 2))
            .filters;
        let query = filters.into_query().unwrap();
        assert_eq!(query.get("name").map(String::as_str), Some("eq.a,b"));
        assert_eq!(
            query.get("and").map(String::as_str),
            Some(r#"(age.gt."18",age.lt."65",or(x.eq."1"),or(y.eq."2"))"#)
        );
        assert_eq!(query.len(), 2);
    }
}
