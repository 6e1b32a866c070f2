//! A real database behind the PostgREST URL grammar, for the query-builder tests.
//!
//! - [`Cluster`]: a throw-away PostgreSQL cluster (`initdb` + `pg_ctl`) in a temporary
//!   directory, listening only on a Unix socket in that directory; stopped (`-m immediate`) and
//!   removed when dropped, also when a test panics.
//! - [`Shim`]: an HTTP server on 127.0.0.1 that serves the mysqldb routes
//!   (`/v1/rdb/rest/{table}`, `/{schema}/{table}`, `/{instance}/{schema}/{table}`) by reading
//!   the query string with PostgREST's grammar ([`grammar`], transcribed from PostgREST's parser)
//!   and running the SQL PostgREST documents for it (`SqlFragment.hs`): operands are untyped
//!   string literals (PostgREST binds them as `unknown`), `in` lists are `= ANY('{...}')`,
//!   `like`/`ilike` turn `*` into `%`, `not.` is `NOT`, logic trees are parenthesized
//!   `AND`/`OR`. A query string PostgREST's parser refuses is a 400 with code `PGRST100`.
//!
//!   Reads embed related tables as `readPlanToQuery` does (a `LEFT`/`INNER JOIN LATERAL` per
//!   embedding over the catalog's foreign keys, found by `findRel`'s rules), each level with
//!   its own filters, logic trees, order and `limit`/`offset`; the `Range` header pages a GET
//!   (206, 416 as `rangeStatusHeader` answers); `Accept` picks JSON, the single object, CSV
//!   (`asCsvF`) or a plan (`EXPLAIN` with the media type's options); inserts honour
//!   `missing=default` and `return=headers-only` (`Location`).
//!
//! What the test server does not implement (casts, aggregates and spread embeddings in
//! `select`, ordering by a related column, embedding in writes) is a 400 with code
//! `SHIM_UNSUPPORTED`, never a guess. Many-to-many embedding through a junction table is not
//! implemented either: such a request is answered as PostgREST answers a missing relationship
//! (400 `PGRST200`).

#![allow(dead_code)]

pub mod grammar;

use grammar::{Field, Filter, IsVal, LogicTree, Operation, OrderTerm, P, SelectItem, ValueContext};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const INSTALL: &str = "apt-get update && apt-get install -y --no-install-recommends postgresql";

/// The directory holding `initdb`, `pg_ctl` and `postgres`.
fn server_binaries() -> PathBuf {
    let has_server = |dir: &Path| ["initdb", "pg_ctl", "postgres"].iter().all(|b| dir.join(b).is_file());
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && has_server(&dir) {
            return dir;
        }
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let dir = entry.path().join("bin");
            has_server(&dir).then_some((version, dir))
        })
        .collect();
    found.sort();
    match found.pop() {
        Some((_, dir)) => dir,
        None => panic!(
            "the PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found via `pg_config --bindir` \
             or in /usr/lib/postgresql/*/bin; these tests run against a real database: install it with `{INSTALL}`"
        ),
    }
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("Uid:"))?.to_owned();
            line.split_whitespace().nth(2).map(|euid| euid == "0")
        })
        .unwrap_or(false)
}

/// A running throw-away cluster; dropping it stops the server and removes its directory.
pub struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    as_postgres: bool,
    started: bool,
}

impl Cluster {
    /// initdb + pg_ctl start, as the `postgres` OS user when the test runs as root (initdb
    /// refuses root). Only a Unix socket in the cluster's directory; no TCP listener.
    pub fn start() -> Cluster {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let bin = server_binaries();
        let dir = std::env::temp_dir().join(format!(
            "cloudbase-pg-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the cluster directory");
        let mut cluster = Cluster { dir, bin, as_postgres: is_root(), started: false };
        if cluster.as_postgres {
            cluster.run("chown", &["postgres:postgres", cluster.dir.to_str().unwrap()], false);
        }
        let data = cluster.data();
        let initdb = cluster.bin.join("initdb");
        cluster.run(
            initdb.to_str().unwrap(),
            &["-D", &data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
            true,
        );
        let options = format!(
            "-c listen_addresses='' -k {} -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
             -c max_connections=20 -c standard_conforming_strings=on",
            cluster.dir.display()
        );
        let pg_ctl = cluster.bin.join("pg_ctl");
        let log = cluster.dir.join("server.log");
        cluster.run(
            pg_ctl.to_str().unwrap(),
            &["-D", &data, "-l", log.to_str().unwrap(), "-o", &options, "-w", "-t", "30", "start"],
            true,
        );
        cluster.started = true;
        cluster
    }

    fn data(&self) -> String {
        self.dir.join("data").to_str().unwrap().to_owned()
    }

    /// Runs a command (as `postgres` when `as_user` and the test is root); panics with its
    /// output on failure.
    fn run(&self, program: &str, args: &[&str], as_user: bool) {
        let mut command = if as_user && self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--", program]).args(args);
            c
        } else {
            let mut c = Command::new(program);
            c.args(args);
            c
        };
        let out = command.current_dir(&self.dir).output().unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
        if !out.status.success() {
            let log = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
            panic!(
                "{program} {args:?} failed ({}):\n{}{}\n{log}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }

    /// The cluster the tests of this process share: started by the first test that asks,
    /// stopped and removed when the last test holding it is done (a later test starts a new
    /// one). Each test works in a database of its own ([`Cluster::database`]).
    pub fn shared() -> Arc<Cluster> {
        static SHARED: Mutex<Weak<Cluster>> = Mutex::new(Weak::new());
        let mut slot = SHARED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(cluster) = slot.upgrade() {
            return cluster;
        }
        let cluster = Arc::new(Cluster::start());
        *slot = Arc::downgrade(&cluster);
        cluster
    }

    /// A new, empty database; its name.
    pub async fn database(&self) -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!("test_{}", NEXT.fetch_add(1, Ordering::Relaxed));
        let admin = self.connect("postgres").await;
        admin.batch_execute(&format!("CREATE DATABASE {name}")).await.expect("create a test database");
        name
    }

    /// A client of `database` over the cluster's Unix socket (its connection task runs on the
    /// caller's runtime).
    pub async fn connect(&self, database: &str) -> tokio_postgres::Client {
        let (client, connection) = tokio_postgres::Config::new()
            .host_path(&self.dir)
            .user("postgres")
            .dbname(database)
            .connect(tokio_postgres::NoTls)
            .await
            .expect("connect to the test cluster");
        tokio::spawn(async move {
            let _ = connection.await;
        });
        client
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.started {
            let pg_ctl = self.bin.join("pg_ctl");
            let data = self.data();
            let mut command = if self.as_postgres {
                let mut c = Command::new("runuser");
                c.args(["-u", "postgres", "--"]).arg(&pg_ctl);
                c
            } else {
                Command::new(&pg_ctl)
            };
            let _ = command.args(["-D", &data, "-m", "immediate", "-w", "stop"]).current_dir(&self.dir).output();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The HTTP server in front of the database; stops when dropped.
pub struct Shim {
    pub url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Shim {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Shim {
    pub async fn start(db: tokio_postgres::Client) -> Shim {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let db = Arc::new(db);
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let db = db.clone();
                tokio::spawn(async move { serve_connection(socket, &db).await });
            }
        });
        Shim { url, task }
    }
}

/// A client of the shim with an API key.
pub fn client(shim: &Shim) -> cloudbase_api::Client {
    cloudbase_api::Client::builder()
        .base_url(&shim.url)
        .credentials(cloudbase_api::Credentials::api_key("test-key"))
        .build()
        .unwrap()
}

struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn new(status: u16) -> Reply {
        Reply { status, headers: Vec::new(), body: Vec::new() }
    }

    fn header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    fn json(status: u16, media_type: &str, body: String) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), format!("{media_type}; charset=utf-8"))],
            body: body.into(),
        }
    }

    fn error(status: u16, code: &str, message: impl Into<String>, details: impl Into<String>) -> Reply {
        let body =
            serde_json::json!({"code": code, "message": message.into(), "details": details.into(), "hint": null});
        Reply::json(status, "application/json", body.to_string())
    }
}

async fn serve_connection(mut socket: tokio::net::TcpStream, db: &tokio_postgres::Client) {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut socket, &mut buffer).await else { return };
        let head_only = request.method == "HEAD";
        let close = request.header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let reply = handle(db, request).await;
        let mut head = format!("HTTP/1.1 {} X\r\n", reply.status);
        for (name, value) in &reply.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if reply.status != 204 {
            head.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
        }
        head.push_str("\r\n");
        let mut out = head.into_bytes();
        if !head_only {
            out.extend_from_slice(&reply.body);
        }
        if socket.write_all(&out).await.is_err() || close {
            return;
        }
    }
}

/// One HTTP/1.1 request (Content-Length or chunked body); `None` at the end of the connection.
async fn read_request(socket: &mut tokio::net::TcpStream, buffer: &mut Vec<u8>) -> Option<Request> {
    let mut chunk = [0u8; 16384];
    let head_end = loop {
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buffer[..head_end].to_vec()).ok()?;
    buffer.drain(..head_end + 4);
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned())).collect();
    let find = |name: &str| headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());
    let body = if find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        let mut body = Vec::new();
        loop {
            let line_end = loop {
                if let Some(i) = buffer.windows(2).position(|w| w == b"\r\n") {
                    break i;
                }
                let n = socket.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buffer.extend_from_slice(&chunk[..n]);
            };
            let size_text = String::from_utf8(buffer[..line_end].to_vec()).ok()?;
            let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
            while buffer.len() < line_end + 2 + size + 2 {
                let n = socket.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buffer.extend_from_slice(&chunk[..n]);
            }
            body.extend_from_slice(&buffer[line_end + 2..line_end + 2 + size]);
            buffer.drain(..line_end + 2 + size + 2);
            if size == 0 {
                break body;
            }
        }
    } else {
        let length: usize = find("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
        while buffer.len() < length {
            let n = socket.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buffer.extend_from_slice(&chunk[..n]);
        }
        buffer.drain(..length).collect()
    };
    Some(Request { method, target, headers, body })
}

/// `urlDecode` with `+` read as a space (`parseQueryReplacePlus True`); a `%` not followed by
/// two hex digits stays as it is.
fn url_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match (char::from(bytes[i + 1]).to_digit(16), char::from(bytes[i + 2]).to_digit(16)) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// The query pairs as PostgREST reads them: split on `&` and `;` (http-types'
/// `parseQueryReplacePlus`), each at its first `=`; pairs without `=` carry no value.
fn query_pairs(query: &str) -> Result<Vec<(String, Option<String>)>, Reply> {
    let text = |bytes: Vec<u8>| {
        String::from_utf8(bytes).map_err(|_| Reply::error(400, "PGRST100", "the query string is not UTF-8", ""))
    };
    let mut pairs = Vec::new();
    for part in query.split(['&', ';']).filter(|p| !p.is_empty()) {
        match part.split_once('=') {
            Some((k, v)) => pairs.push((text(url_decode(k))?, Some(text(url_decode(v))?))),
            None => pairs.push((text(url_decode(part))?, None)),
        }
    }
    Ok(pairs)
}

fn last_word(key: &str) -> &str {
    key.rsplit('.').next().unwrap_or(key)
}

fn parse_error(what: &str, input: &str, p: &P) -> Reply {
    Reply::error(400, "PGRST100", format!("\"failed to parse {what} ({input})\""), p.expected.clone())
}

fn unsupported(what: impl Into<String>) -> Reply {
    Reply::error(400, "SHIM_UNSUPPORTED", what, "")
}

/// What PostgREST's `parse` makes of a query string: the select tree, and the order, range and
/// conditions of each level, the root (`[]`) and each embedded resource by its path.
struct Query {
    select: Vec<SelectItem>,
    levels: BTreeMap<Vec<String>, Level>,
    /// `columns`: the columns an insert takes from its rows, quoted.
    columns: Option<Vec<String>>,
    /// `on_conflict`: the columns an upsert's conflicts are on, quoted.
    on_conflict: Option<Vec<String>>,
}

/// The order, range and conditions of one level of a read (`order`, `limit`, `offset`, the
/// filters and logic trees, at the root or under `path.`).
#[derive(Default, Clone)]
struct Level {
    order: Vec<OrderTerm>,
    limit: Option<i64>,
    offset: Option<i64>,
    conditions: Vec<LogicTree>,
}

impl Query {
    fn root(&self) -> Level {
        self.levels.get(&Vec::new()).cloned().unwrap_or_default()
    }

    fn level(&mut self, path: Vec<String>) -> &mut Level {
        self.levels.entry(path).or_default()
    }

    /// Whether anything applies below the root (an embedded resource's filter, order or range).
    fn has_embedded_levels(&self) -> bool {
        self.levels.keys().any(|path| !path.is_empty())
    }
}

fn parse_query(query: &str) -> Result<Query, Reply> {
    const RESERVED: &[&str] = &["select", "columns", "on_conflict"];
    const RESERVED_EMBEDDABLE: &[&str] = &["order", "limit", "offset", "and", "or"];
    let pairs = query_pairs(query)?;
    let params: Vec<(String, String)> = pairs.iter().filter_map(|(k, v)| Some((k.clone(), v.clone()?))).collect();
    let mut out = Query { select: Vec::new(), levels: BTreeMap::new(), columns: None, on_conflict: None };
    // The order PostgREST parses in: order, logic trees, columns, select, filters; each key's
    // path (`pTreePath`, `pLogicPath`) names the level it applies to.
    for (key, value) in params.iter().filter(|(k, _)| last_word(k) == "order") {
        let mut p = P::new(key);
        // `pRequestOrder`: the path is what comes before the final `order`.
        let (path, _) = grammar::tree_path(&mut p).map_err(|()| parse_error("tree path", key, &p))?;
        let mut p = P::new(value);
        let terms = grammar::order(&mut p).map_err(|()| parse_error("order", value, &p))?;
        if terms.iter().any(|term| term.relation.is_some()) {
            return Err(unsupported("ordering by a related table's column"));
        }
        out.level(path).order = terms;
    }
    for (key, value) in params.iter().filter(|(k, _)| matches!(last_word(k), "and" | "or")) {
        let mut p = P::new(key);
        let (path, op) = grammar::logic_path(&mut p).map_err(|()| parse_error("logic path", key, &p))?;
        // "?and=(...)" is read as "and(...)" (the operator put in front of the value).
        let text = format!("{op}{value}");
        let mut p = P::new(&text);
        let tree = grammar::logic_tree(&mut p).map_err(|()| parse_error("logic tree", value, &p))?;
        out.level(path).conditions.push(tree);
    }
    for (key, value) in params.iter().filter(|(k, _)| k == "columns" || k == "on_conflict") {
        let names = grammar::columns(value).map_err(|()| parse_error(key, value, &P::new(value)))?;
        let names: Vec<String> = names.iter().map(|c| ident(c)).collect::<Result<_, _>>()?;
        if key == "columns" { out.columns = Some(names) } else { out.on_conflict = Some(names) }
    }
    // `select = fromMaybe "*" $ lookupParam "select"`
    let select = pairs.iter().find(|(k, _)| k == "select").map(|(_, v)| v.clone().unwrap_or_default());
    let select = select.unwrap_or_else(|| "*".to_owned());
    out.select = grammar::select(&select).map_err(|p| parse_error("select parameter", &select, &p))?;
    // `limit` and `offset` by key (`orders.offset` is matched with `orders.limit`), each key's
    // path then read with `pTreePath`; `readMaybe`: a value that is not a number is no limit.
    for (key, value) in params.iter().filter(|(k, _)| matches!(last_word(k), "limit" | "offset")) {
        let mut p = P::new(key);
        let (path, _) = grammar::tree_path(&mut p).map_err(|()| parse_error("tree path", key, &p))?;
        let number = value.trim().parse().ok();
        let level = out.level(path);
        if last_word(key) == "limit" { level.limit = number } else { level.offset = number }
    }
    let filters =
        params.iter().filter(|(k, _)| !RESERVED_EMBEDDABLE.contains(&last_word(k)) && !RESERVED.contains(&k.as_str()));
    for (key, value) in filters {
        let mut p = P::new(key);
        let (path, field) = grammar::tree_path(&mut p).map_err(|()| parse_error("tree path", key, &p))?;
        let mut p = P::new(value);
        let (negated, operation) =
            grammar::op_expr(&mut p, ValueContext::TopLevel).map_err(|()| parse_error("filter", value, &p))?;
        out.level(path).conditions.push(LogicTree::Stmnt(Filter { field, negated, operation }));
    }
    Ok(out)
}

/// `pgFmtIdent`: a double-quoted identifier.
fn ident(name: &str) -> Result<String, Reply> {
    if name.contains('\0') {
        return Err(Reply::error(400, "22021", "a name holds a NUL character", ""));
    }
    Ok(format!("\"{}\"", name.replace('"', "\"\"")))
}

/// An untyped string literal (PostgREST binds operands as `unknown`; the server infers the
/// type from the column, as for a quoted literal). `standard_conforming_strings` is on, so `\`
/// is an ordinary character and only `'` needs doubling.
fn lit(value: &str) -> Result<String, Reply> {
    if value.contains('\0') {
        return Err(Reply::error(400, "22021", "invalid byte sequence for encoding \"UTF8\": 0x00", ""));
    }
    Ok(format!("'{}'", value.replace('\'', "''")))
}

/// `pgFmtField`: the column (qualified by its table's alias, if any), then its JSON path
/// (`pgFmtJsonPath`: a key as a literal, an index as a literal cast to `int`).
fn column(field: &Field, table: Option<&str>) -> Result<String, Reply> {
    let mut sql = match table {
        Some(table) => format!("{}.{}", ident(table)?, ident(&field.name)?),
        None => ident(&field.name)?,
    };
    for step in &field.json_path {
        sql.push_str(if step.text { "->>" } else { "->" });
        match &step.operand {
            grammar::JsonOperand::Key(key) => sql.push_str(&lit(key)?),
            grammar::JsonOperand::Index(index) => sql.push_str(&format!("{}::int", lit(index)?)),
        }
    }
    Ok(sql)
}

/// `pgBuildArrayLiteral`: `{"a","b"}` with `\` and `"` escaped, NUL characters dropped.
fn array_literal(values: &[String]) -> String {
    let items: Vec<String> = values
        .iter()
        .map(|v| format!("\"{}\"", v.replace('\0', "").replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    format!("{{{}}}", items.join(","))
}

/// `pgFmtFilter`, on the columns of the table aliased `table` (or unqualified).
fn filter_sql(filter: &Filter, table: Option<&str>) -> Result<String, Reply> {
    let column = column(&filter.field, table)?;
    let test = match &filter.operation {
        Operation::Simple(op, value) => format!("{op} {}", lit(value)?),
        Operation::Quant { op, like, quantifier, value } => {
            let value = if *like { value.replace('*', "%") } else { value.clone() };
            match quantifier {
                Some(q) => format!("{op} {q}({})", lit(&value)?),
                None => format!("{op} {}", lit(&value)?),
            }
        }
        Operation::In(values) if values.len() == 1 && values[0].is_empty() => "= ANY('{}')".to_owned(),
        Operation::In(values) => format!("= ANY ({})", lit(&array_literal(values))?),
        Operation::Is(value) => format!(
            "IS {}",
            match value {
                IsVal::Null => "NULL",
                IsVal::NotNull => "NOT NULL",
                IsVal::True => "TRUE",
                IsVal::False => "FALSE",
                IsVal::Unknown => "UNKNOWN",
            }
        ),
        Operation::IsDistinct(value) => format!("IS DISTINCT FROM {}", lit(value)?),
        Operation::Fts { function, language, value } => match language {
            Some(language) => format!("@@ {function}({}, {})", lit(language)?, lit(value)?),
            None => format!("@@ {function}({})", lit(value)?),
        },
    };
    Ok(format!("{}{column} {test}", if filter.negated { "NOT " } else { "" }))
}

/// `pgFmtLogicTree`
fn logic_sql(tree: &LogicTree, table: Option<&str>) -> Result<String, Reply> {
    match tree {
        LogicTree::Stmnt(filter) => filter_sql(filter, table),
        LogicTree::Expr { negated, and, items } => {
            let items: Vec<String> = items.iter().map(|t| logic_sql(t, table)).collect::<Result<_, _>>()?;
            Ok(format!("{}({})", if *negated { "NOT " } else { "" }, items.join(if *and { " AND " } else { " OR " })))
        }
    }
}

/// `orderF`: the terms on the columns of the table aliased `table`.
fn order_sql(terms: &[OrderTerm], table: Option<&str>) -> Result<String, Reply> {
    if terms.is_empty() {
        return Ok(String::new());
    }
    let mut out = Vec::new();
    for term in terms {
        let mut sql = column(&term.field, table)?;
        match term.descending {
            Some(true) => sql.push_str(" DESC"),
            Some(false) => sql.push_str(" ASC"),
            None => {}
        }
        match term.nulls_first {
            Some(true) => sql.push_str(" NULLS FIRST"),
            Some(false) => sql.push_str(" NULLS LAST"),
            None => {}
        }
        out.push(sql);
    }
    Ok(format!(" ORDER BY {}", out.join(", ")))
}

/// `limitOffsetF`
fn limit_offset_sql(level: &Level) -> String {
    let mut sql = String::new();
    if let Some(limit) = level.limit {
        sql.push_str(&format!(" LIMIT {}", limit.max(0)));
    }
    let offset = level.offset.unwrap_or(0).max(0);
    if offset > 0 {
        sql.push_str(&format!(" OFFSET {offset}"));
    }
    sql
}

/// The root level's conditions, for the statements that take no embedding (writes).
fn root_conditions(query: &Query) -> Result<Vec<String>, Reply> {
    if query.has_embedded_levels() {
        return Err(unsupported("filters, order or ranges on embedded resources of a write"));
    }
    query.root().conditions.iter().map(|t| logic_sql(t, None)).collect()
}

fn where_clause(conditions: &[String]) -> String {
    if conditions.is_empty() {
        String::new()
    } else {
        let wrapped: Vec<String> = conditions.iter().map(|c| format!("({c})")).collect();
        format!(" WHERE {}", wrapped.join(" AND "))
    }
}

/// The `Prefer` header's tokens.
struct Prefer {
    /// `count=exact`, `count=planned` or `count=estimated`: `exact`, `planned`, `estimated`.
    count: Option<String>,
    representation: bool,
    /// `return=headers-only`: an insert answers the `Location` of its one row.
    headers_only: bool,
    resolution: Option<String>,
    missing_default: bool,
    /// `max-affected=N`, enforced with `handling=strict` only (`Preferences.hs`).
    max_affected: Option<i64>,
}

fn prefer(request: &Request) -> Prefer {
    let tokens: Vec<String> = request
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("prefer"))
        .flat_map(|(_, v)| v.split(',').map(|t| t.trim().to_owned()).collect::<Vec<_>>())
        .collect();
    Prefer {
        count: tokens.iter().find_map(|t| t.strip_prefix("count=").map(str::to_owned)),
        representation: tokens.iter().any(|t| t == "return=representation"),
        headers_only: tokens.iter().any(|t| t == "return=headers-only"),
        resolution: tokens.iter().find_map(|t| t.strip_prefix("resolution=").map(str::to_owned)),
        missing_default: tokens.iter().any(|t| t == "missing=default"),
        max_affected: tokens
            .iter()
            .any(|t| t == "handling=strict")
            .then(|| tokens.iter().find_map(|t| t.strip_prefix("max-affected=")?.parse().ok()))
            .flatten(),
    }
}

/// The reply format content negotiation picks (`MediaType.hs`).
#[derive(Debug, Clone, PartialEq)]
enum Media {
    Json,
    Object,
    Csv,
    /// `application/vnd.pgrst.plan[+json|+text]`: JSON or text, and the `options=` given.
    Plan {
        json: bool,
        options: Vec<String>,
    },
}

/// The `Accept` entries by `q` (highest first, then in the order given); the first one this
/// server produces decides, JSON when none does.
fn media(request: &Request) -> Media {
    let Some(accept) = request.header("accept") else { return Media::Json };
    type Entry = (f32, usize, String, Vec<(String, String)>);
    let mut entries: Vec<Entry> = accept
        .split(',')
        .enumerate()
        .map(|(i, entry)| {
            let mut parts = entry.split(';').map(str::trim);
            let media_type = parts.next().unwrap_or_default().to_ascii_lowercase();
            let params: Vec<(String, String)> = parts
                .filter_map(|p| p.split_once('='))
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().trim_matches('"').to_owned()))
                .collect();
            let q = params.iter().find(|(k, _)| k == "q").and_then(|(_, q)| q.parse().ok()).unwrap_or(1.0);
            (q, i, media_type, params)
        })
        .collect();
    entries.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    for (q, _, media_type, params) in entries {
        if q <= 0.0 {
            continue;
        }
        let options = || {
            params
                .iter()
                .find(|(k, _)| k == "options")
                .map(|(_, v)| v.split('|').map(str::to_owned).collect())
                .unwrap_or_default()
        };
        return match media_type.as_str() {
            "application/json" | "application/*" | "*/*" => Media::Json,
            "application/vnd.pgrst.object+json" | "application/vnd.pgrst.object" => Media::Object,
            "text/csv" => Media::Csv,
            "application/vnd.pgrst.plan" | "application/vnd.pgrst.plan+text" => {
                Media::Plan { json: false, options: options() }
            }
            "application/vnd.pgrst.plan+json" => Media::Plan { json: true, options: options() },
            _ => continue,
        };
    }
    Media::Json
}

fn db_error(error: tokio_postgres::Error) -> Reply {
    match error.as_db_error() {
        Some(e) => {
            let status = match e.code().code() {
                "42P01" => 404,
                "23505" | "23503" => 409,
                "42501" => 403,
                _ => 400,
            };
            Reply::error(status, e.code().code(), e.message(), e.detail().unwrap_or_default())
        }
        None => Reply::error(500, "SHIM_DB", error.to_string(), ""),
    }
}

fn segment(text: &str) -> Result<String, Reply> {
    percent_decode(text).ok_or_else(|| Reply::error(400, "SHIM_PATH", "a path segment is not UTF-8", ""))
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

async fn handle(db: &tokio_postgres::Client, request: Request) -> Reply {
    match route(db, &request).await {
        Ok(reply) | Err(reply) => reply,
    }
}

async fn route(db: &tokio_postgres::Client, request: &Request) -> Result<Reply, Reply> {
    let (path, query) = request.target.split_once('?').unwrap_or((&request.target, ""));
    let Some(rest) = path.strip_prefix("/v1/rdb/rest/") else {
        return Err(Reply::error(404, "RESOURCE_NOT_FOUND", format!("no route {path}"), ""));
    };
    let segments: Vec<String> = rest.split('/').map(segment).collect::<Result<_, _>>()?;
    // The instance form addresses another database instance; this server has one.
    let table = match segments.as_slice() {
        [table] => ident(table)?,
        [schema, table] | [_, schema, table] => format!("{}.{}", ident(schema)?, ident(table)?),
        _ => return Err(Reply::error(404, "RESOURCE_NOT_FOUND", format!("no route {path}"), "")),
    };
    if request.header("authorization").is_none() {
        return Err(Reply::error(401, "PERMISSION_DENIED", "no credentials", ""));
    }
    let query = parse_query(query)?;
    let prefer = prefer(request);
    match request.method.as_str() {
        "GET" | "HEAD" => read(db, request, &table, &query, &prefer).await,
        "POST" => insert(db, request, &table, &query, &prefer).await,
        "PATCH" | "DELETE" => write(db, request, &table, &query, &prefer).await,
        other => Err(Reply::error(405, "SHIM_METHOD", format!("method {other}"), "")),
    }
}

/// The columns a write returns: `*` and plain column names only (embedding, aliases, casts and
/// JSON paths in a write's `select` are not implemented).
fn select_list(query: &Query) -> Result<String, Reply> {
    let mut items = Vec::new();
    for item in &query.select {
        match item {
            SelectItem::Star => items.push("*".to_owned()),
            SelectItem::Field { alias: None, field, cast: None, aggregate: false } if field.json_path.is_empty() => {
                items.push(ident(&field.name)?)
            }
            _ => return Err(unsupported("a write's select with more than plain columns")),
        }
    }
    Ok(if items.is_empty() { "*".to_owned() } else { items.join(", ") })
}

/// A foreign key as the catalog holds it: `table (columns)` references `foreign (foreign columns)`.
struct ForeignKey {
    name: String,
    schema: String,
    table: String,
    foreign_schema: String,
    foreign_table: String,
    columns: Vec<String>,
    foreign_columns: Vec<String>,
    /// The key's columns are unique in `table` (a primary key or unique index): one-to-one.
    unique: bool,
}

/// `Cardinality`, seen from the table embedding.
#[derive(Clone, Copy, PartialEq)]
enum Cardinality {
    ManyToOne,
    OneToMany,
    OneToOne,
}

/// A relationship from the embedding table (`Relationship`): the embedded table, and the
/// column pairs (origin column, embedded column) it joins on.
#[derive(Clone)]
struct Relationship {
    constraint: String,
    table: String,
    table_sql: String,
    cardinality: Cardinality,
    columns: Vec<(String, String)>,
    is_self: bool,
}

async fn foreign_keys(db: &tokio_postgres::Client) -> Result<Vec<ForeignKey>, Reply> {
    let sql = "SELECT c.conname::text, sn.nspname::text, s.relname::text, tn.nspname::text, t.relname::text, \
         ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i) \
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i), \
         ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i) \
               JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i), \
         EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = c.conrelid AND x.indisunique AND x.indpred IS NULL \
                 AND x.indkey::int2[] @> c.conkey AND c.conkey @> x.indkey::int2[]) \
         FROM pg_constraint c \
         JOIN pg_class s ON s.oid = c.conrelid JOIN pg_namespace sn ON sn.oid = s.relnamespace \
         JOIN pg_class t ON t.oid = c.confrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace \
         WHERE c.contype = 'f' ORDER BY c.conname";
    let rows = db.query(sql, &[]).await.map_err(db_error)?;
    Ok(rows
        .iter()
        .map(|r| ForeignKey {
            name: r.get(0),
            schema: r.get(1),
            table: r.get(2),
            foreign_schema: r.get(3),
            foreign_table: r.get(4),
            columns: r.get(5),
            foreign_columns: r.get(6),
            unique: r.get(7),
        })
        .collect())
}

/// The relationships of `schema.table` to tables of its schema: each foreign key of the table
/// (many-to-one) and each one referencing it (one-to-many); both one-to-one when the key's
/// columns are unique. A self-referencing key gives both.
fn relationships(keys: &[ForeignKey], schema: &str, table: &str) -> Result<Vec<Relationship>, Reply> {
    let mut out = Vec::new();
    for key in keys.iter().filter(|k| k.schema == schema && k.foreign_schema == schema) {
        let is_self = key.table == key.foreign_table;
        if key.table == table {
            out.push(Relationship {
                constraint: key.name.clone(),
                table: key.foreign_table.clone(),
                table_sql: format!("{}.{}", ident(schema)?, ident(&key.foreign_table)?),
                cardinality: if key.unique { Cardinality::OneToOne } else { Cardinality::ManyToOne },
                columns: key.columns.iter().cloned().zip(key.foreign_columns.iter().cloned()).collect(),
                is_self,
            });
        }
        if key.foreign_table == table {
            out.push(Relationship {
                constraint: key.name.clone(),
                table: key.table.clone(),
                table_sql: format!("{}.{}", ident(schema)?, ident(&key.table)?),
                cardinality: if key.unique { Cardinality::OneToOne } else { Cardinality::OneToMany },
                columns: key.foreign_columns.iter().cloned().zip(key.columns.iter().cloned()).collect(),
                is_self,
            });
        }
    }
    Ok(out)
}

/// `findRel`: the one relationship from `origin` that `target` (a table, a foreign key's name
/// or its column) and `hint` name; none is 400 `PGRST200`, several are 300 `PGRST201`.
fn find_relationship(
    rels: &[Relationship],
    origin: &str,
    target: &str,
    hint: Option<&str>,
) -> Result<Relationship, Reply> {
    let single = |pairs: &[(String, String)], origin_side: bool, name: &str| match pairs {
        [(o, t)] => (if origin_side { o } else { t }) == name,
        _ => false,
    };
    let found: Vec<&Relationship> = rels
        .iter()
        .filter(|r| {
            let o2m = r.cardinality == Cardinality::OneToMany;
            let m2o = r.cardinality == Cardinality::ManyToOne;
            match (r.is_self, hint) {
                (true, None) => (target == r.table && o2m) || (single(&r.columns, true, target) && m2o),
                (true, Some(hint)) => target == r.table && o2m && single(&r.columns, false, hint),
                (false, None) => target == r.table || target == r.constraint || single(&r.columns, true, target),
                (false, Some(hint)) => {
                    target == r.table
                        && (hint == r.constraint || single(&r.columns, true, hint) || single(&r.columns, false, hint))
                }
            }
        })
        .collect();
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Reply::error(
            400,
            "PGRST200",
            format!("Could not find a relationship between '{origin}' and '{target}' in the schema cache"),
            "",
        )),
        _ => Err(Reply::error(
            300,
            "PGRST201",
            format!("Could not embed because more than one relationship was found for '{origin}' and '{target}'"),
            "",
        )),
    }
}

/// One level of a read (`ReadPlan`): a table under an alias, what it selects, its order, range
/// and conditions, and the resources it embeds.
struct Plan {
    table_sql: String,
    alias: String,
    select: Vec<SelectItem>,
    level: Level,
    /// The join conditions to the embedding level (`pgFmtJoinCondition`).
    join: Vec<String>,
    children: Vec<Embedded>,
}

struct Embedded {
    plan: Plan,
    /// The key the embedding appears under (the alias, else the relation's name); also the
    /// name filters, orders and ranges address it by.
    name: String,
    to_one: bool,
    inner: bool,
    /// `rel()` with nothing selected: joined (for `!inner`) but not shown.
    empty: bool,
}

/// The read plan of `query` on `schema.table`: each embedded relation resolved, each level's
/// order, range and conditions attached by its path; a path naming no embedding is 400
/// `PGRST108` (the alias, when one is given, is the only name of an embedding).
fn read_plan(keys: &[ForeignKey], schema: &str, table: &str, table_sql: String, query: &Query) -> Result<Plan, Reply> {
    let mut next = 0;
    let mut levels = query.levels.clone();
    let plan = plan_level(keys, schema, table, table_sql, &query.select, &[], &mut levels, &mut next)?;
    if let Some(path) = levels.keys().next() {
        let name = path.first().cloned().unwrap_or_default();
        return Err(Reply::error(400, "PGRST108", format!("'{name}' is not an embedded resource in this request"), ""));
    }
    Ok(plan)
}

#[allow(clippy::too_many_arguments)]
fn plan_level(
    keys: &[ForeignKey],
    schema: &str,
    table: &str,
    table_sql: String,
    select: &[SelectItem],
    path: &[String],
    levels: &mut BTreeMap<Vec<String>, Level>,
    next: &mut usize,
) -> Result<Plan, Reply> {
    let alias = format!("pgrst_{next}");
    *next += 1;
    let level = levels.remove(path).unwrap_or_default();
    let mut plan = Plan { table_sql, alias, select: Vec::new(), level, join: Vec::new(), children: Vec::new() };
    let mut rels = None;
    for item in select {
        let SelectItem::Relation { name, alias, hint, inner, spread, children } = item else {
            plan.select.push(item.clone());
            continue;
        };
        if *spread {
            return Err(unsupported("spread embedding (...relation)"));
        }
        let rels = match &rels {
            Some(rels) => rels,
            None => rels.insert(relationships(keys, schema, table)?),
        };
        let rel = find_relationship(rels, table, name, hint.as_deref())?;
        let shown = alias.clone().unwrap_or_else(|| name.clone());
        let mut child_path = path.to_vec();
        child_path.push(shown.clone());
        let mut child =
            plan_level(keys, schema, &rel.table, rel.table_sql.clone(), children, &child_path, levels, next)?;
        for (origin, target) in &rel.columns {
            child.join.push(format!(
                "{}.{} = {}.{}",
                ident(&child.alias)?,
                ident(target)?,
                ident(&plan.alias)?,
                ident(origin)?
            ));
        }
        plan.children.push(Embedded {
            plan: child,
            name: shown,
            to_one: rel.cardinality != Cardinality::OneToMany,
            inner: *inner == Some(true),
            empty: children.is_empty(),
        });
    }
    Ok(plan)
}

/// The name a selected field appears under: its alias, else the last key of its JSON path
/// (for an index, the last key before it, else the column), else the column.
fn field_label(alias: &Option<String>, field: &Field) -> Option<String> {
    if let Some(alias) = alias {
        return Some(alias.clone());
    }
    if field.json_path.is_empty() {
        return None;
    }
    let key = field.json_path.iter().rev().find_map(|step| match &step.operand {
        grammar::JsonOperand::Key(key) => Some(key.clone()),
        grammar::JsonOperand::Index(_) => None,
    });
    Some(key.unwrap_or_else(|| field.name.clone()))
}

/// `readPlanToQuery`: the level's fields, then a `LEFT` (or `INNER`) `JOIN LATERAL` per
/// embedding, a to-one one as `row_to_json(...)`, a to-many one as `json_agg(...)` (`[]` when
/// empty; an inner join drops the row when it is NULL); the conditions and the join to the
/// embedding level; order; range (left out at the root when `paged` is false, for counting).
fn plan_sql(plan: &Plan, paged: bool) -> Result<String, Reply> {
    let q = ident(&plan.alias)?;
    let mut selects = Vec::new();
    for item in &plan.select {
        match item {
            SelectItem::Star => selects.push(format!("{q}.*")),
            SelectItem::Field { aggregate: true, .. } => return Err(unsupported("aggregates in select")),
            SelectItem::Field { cast: Some(_), .. } => return Err(unsupported("casts in select")),
            SelectItem::Field { alias, field, .. } => {
                let mut sql = column(field, Some(&plan.alias))?;
                if let Some(label) = field_label(alias, field) {
                    sql.push_str(&format!(" AS {}", ident(&label)?));
                }
                selects.push(sql);
            }
            SelectItem::Relation { .. } => return Err(unsupported("a relation outside the plan's children")),
        }
    }
    if plan.select.is_empty() && plan.children.is_empty() {
        selects.push(format!("{q}.*"));
    }
    let mut joins = String::new();
    for child in &plan.children {
        let agg = ident(&format!("{}_agg", child.plan.alias))?;
        let sub = plan_sql(&child.plan, true)?;
        let join = if child.inner { "INNER" } else { "LEFT" };
        if child.to_one {
            if !child.empty {
                selects.push(format!("row_to_json({agg}.*)::jsonb AS {}", ident(&child.name)?));
            }
            joins.push_str(&format!(" {join} JOIN LATERAL ({sub}) AS {agg} ON TRUE"));
        } else {
            if !child.empty {
                selects.push(format!("COALESCE({agg}.{agg}, '[]') AS {}", ident(&child.name)?));
            }
            let on = if child.inner { format!("{agg}.{agg} IS NOT NULL") } else { "TRUE".to_owned() };
            joins.push_str(&format!(
                " {join} JOIN LATERAL (SELECT json_agg({agg})::jsonb AS {agg} FROM ({sub}) AS {agg}) AS {agg} ON {on}"
            ));
        }
    }
    let mut conditions: Vec<String> =
        plan.level.conditions.iter().map(|t| logic_sql(t, Some(&plan.alias))).collect::<Result<_, _>>()?;
    conditions.extend(plan.join.iter().cloned());
    let mut sql =
        format!("SELECT {} FROM {} AS {q}{joins}{}", selects.join(", "), plan.table_sql, where_clause(&conditions));
    sql.push_str(&order_sql(&plan.level.order, Some(&plan.alias))?);
    if paged {
        sql.push_str(&limit_offset_sql(&plan.level));
    }
    Ok(sql)
}

/// The schema and name of the table `table_sql` (a 404 when there is none).
async fn table_name(db: &tokio_postgres::Client, table_sql: &str) -> Result<(String, String), Reply> {
    let sql = format!(
        "SELECT n.nspname::text, c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.oid = {}::regclass",
        lit(table_sql)?
    );
    let row = db.query_one(&sql, &[]).await.map_err(db_error)?;
    Ok((row.get(0), row.get(1)))
}

/// The rows (a JSON array) and their number, for a statement returning rows.
async fn rows_json(db: &tokio_postgres::Client, rows_sql: &str) -> Result<(String, i64), Reply> {
    let sql = format!("SELECT coalesce(json_agg(pgrst_t), '[]')::text, count(*) FROM ({rows_sql}) pgrst_t");
    let row = db.query_one(&sql, &[]).await.map_err(db_error)?;
    Ok((row.get(0), row.get(1)))
}

/// The body for the requested media type: the array, or its one element as the single object
/// (406 `PGRST116` when there are not exactly one).
fn reply_rows(request: &Request, status: u16, rows: String, count: i64) -> Reply {
    if media(request) == Media::Object {
        if count != 1 {
            return Reply::error(
                406,
                "PGRST116",
                "JSON object requested, multiple (or no) rows returned",
                format!("The result contains {count} rows"),
            );
        }
        let value: serde_json::Value = serde_json::from_str(&rows).unwrap();
        return Reply::json(status, "application/vnd.pgrst.object+json", value[0].to_string());
    }
    Reply::json(status, "application/json", rows)
}

async fn read(
    db: &tokio_postgres::Client,
    request: &Request,
    table: &str,
    query: &Query,
    prefer: &Prefer,
) -> Result<Reply, Reply> {
    let embeds = query.select.iter().any(|item| matches!(item, SelectItem::Relation { .. }));
    let (keys, schema, name) = if embeds {
        let (schema, name) = table_name(db, table).await?;
        (foreign_keys(db).await?, schema, name)
    } else {
        (Vec::new(), String::new(), String::new())
    };
    let mut plan = read_plan(&keys, &schema, &name, table.to_owned(), query)?;
    // `getRanges`: the `Range` header (GET only) intersected with `limit`/`offset`; an empty
    // intersection is 416 `PGRST103`, unless it is `limit=0`.
    let limit_zero = plan.level.limit == Some(0);
    if request.method == "GET" {
        let (lower, upper) = intersect(header_range(request), level_range(&plan.level));
        match upper {
            Some(upper) if upper < lower && !limit_zero => {
                return Err(Reply::error(
                    416,
                    "PGRST103",
                    "Requested range not satisfiable",
                    "The lower boundary must be lower than or equal to the upper boundary in the Range header.",
                ));
            }
            _ if limit_zero => {}
            Some(upper) => (plan.level.offset, plan.level.limit) = (Some(lower), Some(upper - lower + 1)),
            None => (plan.level.offset, plan.level.limit) = (Some(lower), None),
        }
    }
    let sql = plan_sql(&plan, true)?;
    let unpaged = plan_sql(&plan, false)?;
    let offset = plan.level.offset.unwrap_or(0).max(0);
    let media = media(request);
    if let Media::Plan { json, options } = &media {
        return explain(db, &sql, *json, options).await;
    }
    let csv = if media == Media::Csv { Some(rows_csv(db, &sql).await?) } else { None };
    let (rows, count) = rows_json(db, &sql).await?;
    // `exact` counts; `planned` is the planner's row estimate of the unpaged query
    // (PostgREST reads it from `EXPLAIN (FORMAT JSON)`); `estimated` counts up to the server's
    // `db-max-rows` and plans above it: this server has no row limit, so it counts.
    let total = match prefer.count.as_deref() {
        None => "*".to_owned(),
        Some("exact" | "estimated") => {
            let row =
                db.query_one(&format!("SELECT count(*) FROM ({unpaged}) pgrst_c"), &[]).await.map_err(db_error)?;
            row.get::<_, i64>(0).to_string()
        }
        Some("planned") => {
            let plan = format!("EXPLAIN (FORMAT JSON) {unpaged}");
            // The simple protocol hands the plan over as text (its type is json).
            let text = db.simple_query(&plan).await.map_err(db_error)?.into_iter().find_map(|message| match message {
                tokio_postgres::SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
                _ => None,
            });
            let plan: serde_json::Value = text
                .and_then(|text| serde_json::from_str(&text).ok())
                .ok_or_else(|| unsupported("a plan that is not JSON"))?;
            plan[0]["Plan"]["Plan Rows"].as_i64().ok_or_else(|| unsupported("a plan without Plan Rows"))?.to_string()
        }
        Some(other) => return Err(unsupported(format!("Prefer: count={other}"))),
    };
    // `rangeStatusHeader`: 416 past the total, 206 for fewer rows than the total, else 200.
    let range = if count > 0 && total != "0" {
        format!("{offset}-{}/{total}", offset + count - 1)
    } else {
        format!("*/{total}")
    };
    let status = match total.parse::<i64>() {
        Ok(total) if offset > total => {
            return Err(Reply::error(
                416,
                "PGRST103",
                "Requested range not satisfiable",
                format!("An offset of {offset} was requested, but there are only {total} rows."),
            )
            .header("Content-Range", format!("*/{total}")));
        }
        Ok(total) if count < total => 206,
        _ => 200,
    };
    let reply = match csv {
        Some(text) => Reply {
            status,
            headers: vec![("Content-Type".into(), "text/csv; charset=utf-8".into())],
            body: text.into(),
        },
        None => reply_rows(request, status, rows, count),
    };
    Ok(reply.header("Content-Range", range))
}

/// `rangeParse` of the `Range` header: `^([0-9]+)-([0-9]*)$` gives the rows from the first
/// number to the second (or the end); anything else, or no header, is every row.
fn header_range(request: &Request) -> (i64, Option<i64>) {
    let Some(value) = request.header("range") else { return (0, None) };
    let Some((lower, upper)) = value.split_once('-') else { return (0, None) };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(lower) || !(upper.is_empty() || digits(upper)) {
        return (0, None);
    }
    match (lower.parse(), upper.parse().ok()) {
        (Ok(lower), upper) => (lower, upper),
        _ => (0, None),
    }
}

/// The rows `limit` and `offset` allow (`restrictRange`, `rangeGeq`).
fn level_range(level: &Level) -> (i64, Option<i64>) {
    let lower = level.offset.unwrap_or(0).max(0);
    (lower, level.limit.map(|limit| lower + limit - 1))
}

fn intersect(a: (i64, Option<i64>), b: (i64, Option<i64>)) -> (i64, Option<i64>) {
    let upper = match (a.1, b.1) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    };
    (a.0.max(b.0), upper)
}

/// `asCsvF`: a header line of the first row's keys, then each row as its record text without
/// the parentheses, one per line.
async fn rows_csv(db: &tokio_postgres::Client, rows_sql: &str) -> Result<String, Reply> {
    let sql = format!(
        "WITH pgrst_source AS ({rows_sql}) SELECT (SELECT coalesce(string_agg(a.k, ','), '') FROM \
         (SELECT json_object_keys(r)::text AS k FROM (SELECT row_to_json(hh) AS r FROM pgrst_source AS hh LIMIT 1) s) a) \
         || E'\\n' || coalesce(string_agg(substring(t::text, 2, length(t::text) - 2), E'\\n'), '') FROM pgrst_source t"
    );
    let row = db.query_one(&sql, &[]).await.map_err(db_error)?;
    Ok(row.get(0))
}

/// The plan of the read (`EXPLAIN (FORMAT JSON|TEXT, <options>)`), as PostgREST answers
/// `application/vnd.pgrst.plan`: an unknown option is 406 `PGRST107`, as the media type is
/// then not one PostgREST produces.
async fn explain(db: &tokio_postgres::Client, sql: &str, json: bool, options: &[String]) -> Result<Reply, Reply> {
    let mut explain = vec![if json { "FORMAT JSON" } else { "FORMAT TEXT" }.to_owned()];
    for option in options {
        match option.as_str() {
            "analyze" | "verbose" | "settings" | "buffers" | "wal" => explain.push(option.to_ascii_uppercase()),
            other => {
                return Err(Reply::error(
                    406,
                    "PGRST107",
                    format!("None of these media types are available: {other}"),
                    "",
                ));
            }
        }
    }
    let messages = db.simple_query(&format!("EXPLAIN ({}) {sql}", explain.join(", "))).await.map_err(db_error)?;
    let lines: Vec<String> = messages
        .into_iter()
        .filter_map(|message| match message {
            tokio_postgres::SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
            _ => None,
        })
        .collect();
    let format = if json { "json" } else { "text" };
    let mut media_type = format!("application/vnd.pgrst.plan+{format}; for=\"application/json\"");
    if !options.is_empty() {
        media_type.push_str(&format!("; options={}", options.join("|")));
    }
    Ok(Reply {
        status: 200,
        headers: vec![("Content-Type".into(), format!("{media_type}; charset=utf-8"))],
        body: lines.join("\n").into(),
    })
}

async fn primary_key(db: &tokio_postgres::Client, table: &str) -> Result<Vec<String>, Reply> {
    let sql = format!(
        "SELECT a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid \
         AND a.attnum = ANY(i.indkey) WHERE i.indrelid = {}::regclass AND i.indisprimary ORDER BY a.attnum",
        lit(table)?
    );
    let rows = db.query(&sql, &[]).await.map_err(db_error)?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

fn json_body(request: &Request) -> Result<serde_json::Value, Reply> {
    serde_json::from_slice(&request.body)
        .map_err(|e| Reply::error(400, "PGRST102", "Empty or invalid json", e.to_string()))
}

/// POST: `INSERT ... SELECT ... FROM json_populate_recordset(...)`; the columns are `columns`,
/// where a row's other keys are ignored and the ones it lacks are NULL, or else the keys of the
/// rows (all rows must have the same keys, PGRST102 otherwise); with `Prefer: missing=default`
/// a key a row lacks takes the column's default (`fromJsonBodyF`: the defaults as a JSON object
/// under each row). An upsert's conflict target is `on_conflict`, or else the primary key. With
/// `return=headers-only`, one inserted row's primary key is the `Location` (`locationF`).
async fn insert(
    db: &tokio_postgres::Client,
    request: &Request,
    table: &str,
    query: &Query,
    prefer: &Prefer,
) -> Result<Reply, Reply> {
    let rows = match json_body(request)? {
        serde_json::Value::Array(rows) => rows,
        row @ serde_json::Value::Object(_) => vec![row],
        _ => return Err(Reply::error(400, "PGRST102", "Empty or invalid json", "")),
    };
    let keys = |row: &serde_json::Value| -> Vec<String> {
        row.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default()
    };
    let columns = match &query.columns {
        Some(columns) => {
            if rows.iter().any(|r| !r.is_object()) {
                return Err(Reply::error(400, "PGRST102", "Empty or invalid json", ""));
            }
            columns.join(", ")
        }
        None => {
            let columns = rows.first().map(keys).unwrap_or_default();
            if rows.iter().any(|r| !r.is_object() || keys(r) != columns) || columns.is_empty() {
                return Err(Reply::error(400, "PGRST102", "All object keys must match", ""));
            }
            let columns: Vec<String> = columns.iter().map(|c| ident(c)).collect::<Result<_, _>>()?;
            columns.join(", ")
        }
    };
    let body = serde_json::Value::Array(rows).to_string();
    let source = if prefer.missing_default {
        let defaults = column_defaults(db, table, &columns).await?;
        format!("(SELECT jsonb_agg({defaults} || elem) FROM jsonb_array_elements({}::jsonb) elem)", lit(&body)?)
    } else {
        format!("{}::jsonb", lit(&body)?)
    };
    let mut sql = format!(
        "INSERT INTO {table} ({columns}) SELECT {columns} FROM jsonb_populate_recordset(NULL::{table}, {source})"
    );
    match prefer.resolution.as_deref() {
        None => {}
        Some(resolution) => {
            let key: Vec<String> = match &query.on_conflict {
                Some(columns) => columns.clone(),
                None => primary_key(db, table).await?.iter().map(|c| ident(c)).collect::<Result<_, _>>()?,
            };
            if resolution == "merge-duplicates" {
                let set: Vec<String> = columns.split(", ").map(|c| format!("{c} = EXCLUDED.{c}")).collect();
                sql.push_str(&format!(" ON CONFLICT ({}) DO UPDATE SET {}", key.join(", "), set.join(", ")));
            } else {
                sql.push_str(&format!(" ON CONFLICT ({}) DO NOTHING", key.join(", ")));
            }
        }
    }
    let (rows, count) = rows_json_of_write(db, &sql, &select_list(query)?).await?;
    let mut reply = if prefer.representation { reply_rows(request, 201, rows.clone(), count) } else { Reply::new(201) };
    if prefer.headers_only
        && count == 1
        && let Some(location) = location(db, table, &rows).await?
    {
        reply = reply.header("Location", location);
    }
    Ok(reply.header("Content-Range", format!("*/{count}")))
}

/// `jsonb_build_object('column', <its default>, ...)` for those of `columns` (quoted, as in
/// the statement) that have a default.
async fn column_defaults(db: &tokio_postgres::Client, table: &str, columns: &str) -> Result<String, Reply> {
    let sql = format!(
        "SELECT quote_ident(a.attname), a.attname::text, pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a \
         JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = {}::regclass",
        lit(table)?
    );
    let rows = db.query(&sql, &[]).await.map_err(db_error)?;
    let wanted: Vec<&str> = columns.split(", ").collect();
    let mut pairs = Vec::new();
    for row in rows {
        let (name, default): (String, String) = (row.get(1), row.get(2));
        if wanted.contains(&ident(&name)?.as_str()) {
            pairs.push(format!("{}, {default}", lit(&name)?));
        }
    }
    Ok(format!("jsonb_build_object({})", pairs.join(", ")))
}

/// `locationF`: `/<table>?<key>=eq.<value>` for each primary-key column of the one inserted
/// row (`is.null` for a NULL), keys and values percent-encoded but for unreserved characters.
async fn location(db: &tokio_postgres::Client, table: &str, rows: &str) -> Result<Option<String>, Reply> {
    let keys = primary_key(db, table).await?;
    if keys.is_empty() {
        return Ok(None);
    }
    let (_, name) = table_name(db, table).await?;
    let rows: serde_json::Value = serde_json::from_str(rows).map_err(|e| unsupported(e.to_string()))?;
    let row = &rows[0];
    let encode = |text: &str| -> String {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => char::from(b).to_string(),
                b => format!("%{b:02X}"),
            })
            .collect()
    };
    let pairs: Vec<String> = keys
        .iter()
        .map(|key| {
            let value = match &row[key.as_str()] {
                serde_json::Value::Null => "is.null".to_owned(),
                serde_json::Value::String(text) => format!("eq.{text}"),
                other => format!("eq.{other}"),
            };
            format!("{}={}", encode(key), encode(&value))
        })
        .collect();
    Ok(Some(format!("/{name}?{}", pairs.join("&"))))
}

/// A data-modifying statement's rows, as a JSON array of the `select` columns (PostgREST's
/// `WITH pgrst_source AS (... RETURNING ...) SELECT <select> FROM pgrst_source`), and their number.
async fn rows_json_of_write(
    db: &tokio_postgres::Client,
    statement: &str,
    select: &str,
) -> Result<(String, i64), Reply> {
    let sql = format!(
        "WITH pgrst_w AS ({statement} RETURNING *) SELECT coalesce(json_agg(pgrst_t), '[]')::text, count(*) \
         FROM (SELECT {select} FROM pgrst_w) pgrst_t"
    );
    let row = db.query_one(&sql, &[]).await.map_err(db_error)?;
    Ok((row.get(0), row.get(1)))
}

/// PATCH (`UPDATE ... SET (cols) = (SELECT cols FROM json_populate_record(...))`) and DELETE,
/// both with the filters; 200 with the rows for `return=representation`, else 204.
async fn write(
    db: &tokio_postgres::Client,
    request: &Request,
    table: &str,
    query: &Query,
    prefer: &Prefer,
) -> Result<Reply, Reply> {
    let filter = where_clause(&root_conditions(query)?);
    let statement = if request.method == "PATCH" {
        let values = match json_body(request)? {
            serde_json::Value::Object(values) if !values.is_empty() => values,
            _ => return Err(Reply::error(400, "PGRST102", "Empty or invalid json", "")),
        };
        let columns: Vec<String> = values.keys().map(|c| ident(c)).collect::<Result<_, _>>()?;
        let columns = columns.join(", ");
        let body = serde_json::Value::Object(values).to_string();
        format!(
            "UPDATE {table} SET ({columns}) = (SELECT {columns} FROM json_populate_record(NULL::{table}, {}::json)){filter}",
            lit(&body)?
        )
    } else {
        format!("DELETE FROM {table}{filter}")
    };
    // In a transaction, rolled back when more rows changed than `max-affected` allows
    // (PGRST124, as PostgREST answers it).
    db.batch_execute("BEGIN").await.map_err(db_error)?;
    let written = rows_json_of_write(db, &statement, &select_list(query)?).await;
    let over = match (&written, prefer.max_affected) {
        (Ok((_, count)), Some(max)) if *count > max => Some(*count),
        _ => None,
    };
    let end = if written.is_err() || over.is_some() { "ROLLBACK" } else { "COMMIT" };
    db.batch_execute(end).await.map_err(db_error)?;
    if let Some(count) = over {
        return Err(Reply::error(
            400,
            "PGRST124",
            "Query result exceeds max-affected preference constraint",
            format!("The query affects {count} rows"),
        ));
    }
    let (rows, count) = written?;
    let reply = if prefer.representation { reply_rows(request, 200, rows, count) } else { Reply::new(204) };
    Ok(reply.header("Content-Range", format!("*/{count}")))
}
