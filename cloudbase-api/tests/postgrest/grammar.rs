//! PostgREST's query-string grammar, transcribed from its parser
//! (`src/library/PostgREST/ApiRequest/QueryParams.hs`, Parsec) and its API reference
//! ("Horizontal Filtering", "Logical operators", "Reserved characters").
//!
//! Parsec's choice is committed: `a <|> b` tries `b` only when `a` failed without consuming
//! input, and `try` makes a failure non-consuming again. The functions below follow that rule
//! exactly (a parser that fails leaves `pos` where it stopped; [`P::attempt`] is `try`;
//! [`P::alt`] is `<|>`), and, as `P.parse` does, a parameter's value need not be consumed to its
//! end: what follows a complete parse is ignored.

/// A column reference: its name and the JSON path after it (`->`, `->>`), if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub json_path: Vec<JsonStep>,
}

/// One step of a JSON path (`JsonOperation`): `->` or `->>` (`text`), then a key or an index.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonStep {
    pub text: bool,
    pub operand: JsonOperand,
}

/// `JsonOperand`: `JKey` or `JIdx` (an index keeps its sign, `+1`, as PostgREST's does).
#[derive(Debug, Clone, PartialEq)]
pub enum JsonOperand {
    Key(String),
    Index(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum IsVal {
    Null,
    NotNull,
    True,
    False,
    Unknown,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    /// `neq cs cd ov sl sr nxr nxl adj`: the SQL operator and the operand.
    Simple(&'static str, String),
    /// `eq gte gt lte lt like ilike match imatch`, with `(any)` / `(all)`.
    Quant {
        op: &'static str,
        like: bool,
        quantifier: Option<&'static str>,
        value: String,
    },
    In(Vec<String>),
    Is(IsVal),
    IsDistinct(String),
    Fts {
        function: &'static str,
        language: Option<String>,
        value: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub field: Field,
    pub negated: bool,
    pub operation: Operation,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LogicTree {
    Expr { negated: bool, and: bool, items: Vec<LogicTree> },
    Stmnt(Filter),
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrderTerm {
    pub field: Field,
    pub relation: Option<String>,
    pub descending: Option<bool>,
    pub nulls_first: Option<bool>,
}

pub type R<T> = Result<T, ()>;

/// One alternative of [`P::alt`].
type Alternative<'a, T> = &'a mut dyn FnMut(&mut P) -> R<T>;

/// The parser state: the text, the position and the last failure.
pub struct P {
    text: Vec<char>,
    pub pos: usize,
    pub expected: String,
}

impl P {
    pub fn new(text: &str) -> P {
        P { text: text.chars().collect(), pos: 0, expected: String::new() }
    }

    fn peek(&self) -> Option<char> {
        self.text.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.text.get(self.pos + ahead).copied()
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    fn fail<T>(&mut self, expecting: &str) -> R<T> {
        let found = match self.peek() {
            Some(c) => format!("{c:?}"),
            None => "end of input".to_owned(),
        };
        self.expected = format!("column {}: unexpected {found} expecting {expecting}", self.pos + 1);
        Err(())
    }

    /// `try p`: on failure, back to where `p` started (a non-consuming failure).
    fn attempt<T>(&mut self, parser: impl FnOnce(&mut P) -> R<T>) -> R<T> {
        let start = self.pos;
        let result = parser(self);
        if result.is_err() {
            self.pos = start;
        }
        result
    }

    /// `a <|> b`: `b` only when `a` failed without consuming input.
    fn alt<T>(&mut self, parsers: &mut [Alternative<'_, T>]) -> R<T> {
        let start = self.pos;
        for parser in parsers.iter_mut() {
            match parser(self) {
                Ok(value) => return Ok(value),
                Err(()) if self.pos != start => return Err(()),
                Err(()) => {}
            }
        }
        Err(())
    }

    fn char(&mut self, c: char) -> R<()> {
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            self.fail(&format!("{c:?}"))
        }
    }

    /// Parsec's `string`: a partial match has consumed what matched.
    fn string(&mut self, s: &str) -> R<()> {
        for c in s.chars() {
            if self.peek() == Some(c) {
                self.pos += 1;
            } else {
                return self.fail(&format!("{s:?}"));
            }
        }
        Ok(())
    }

    /// Case-insensitive `string` (`ciString`: each char, or its upper case).
    fn ci_string(&mut self, s: &str) -> R<()> {
        for c in s.chars() {
            match self.peek() {
                Some(found) if found == c || Some(found) == c.to_uppercase().next() => self.pos += 1,
                _ => return self.fail(&format!("{s:?}")),
            }
        }
        Ok(())
    }

    fn many_none_of(&mut self, stop: &str) -> String {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if stop.contains(c) {
                break;
            }
            out.push(c);
            self.pos += 1;
        }
        out
    }

    /// `ws = many (oneOf " \t")`
    fn ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
    }

    fn lexeme<T>(&mut self, parser: impl FnOnce(&mut P) -> R<T>) -> R<T> {
        self.ws();
        let value = parser(self)?;
        self.ws();
        Ok(value)
    }

    /// `notFollowedBy (noneOf ",)")`: at `,`, `)` or the end.
    fn at_list_end(&mut self) -> R<()> {
        match self.peek() {
            None | Some(',' | ')') => Ok(()),
            Some(_) => self.fail("\",\", \")\" or end of input"),
        }
    }
}

/// `pQuotedValue = char '"' *> many (noneOf "\\\"" <|> (char '\\' *> anyChar)) <* char '"'`
pub fn quoted_value(p: &mut P) -> R<String> {
    p.char('"')?;
    let mut out = String::new();
    loop {
        match p.peek() {
            None => return p.fail("\"\\\"\""),
            Some('"') => {
                p.pos += 1;
                return Ok(out);
            }
            Some('\\') => {
                p.pos += 1;
                match p.peek() {
                    None => return p.fail("any character"),
                    Some(c) => {
                        out.push(c);
                        p.pos += 1;
                    }
                }
            }
            Some(c) => {
                out.push(c);
                p.pos += 1;
            }
        }
    }
}

/// `pIdentifierChar = letter <|> digit <|> oneOf "_ $"` (`letter` is Unicode `isAlpha`, `digit`
/// is 0-9).
fn identifier_char(c: char) -> bool {
    c.is_alphabetic() || c.is_ascii_digit() || matches!(c, '_' | ' ' | '$')
}

/// `pIdentifier = T.strip <$> many1 pIdentifierChar`
fn identifier(p: &mut P) -> R<String> {
    let mut out = String::new();
    while let Some(c) = p.peek().filter(|c| identifier_char(*c)) {
        out.push(c);
        p.pos += 1;
    }
    if out.is_empty() {
        return p.fail("field name (* or [a..z0..9_$])");
    }
    Ok(out.trim().to_owned())
}

/// `sepByDash`: parts joined by `-` where the `-` is not the start of `->`.
fn sep_by_dash(p: &mut P, part: fn(&mut P) -> R<String>) -> R<String> {
    let mut parts = vec![part(p)?];
    while p.peek() == Some('-') && p.peek_at(1) != Some('>') {
        p.pos += 1;
        parts.push(part(p)?);
    }
    Ok(parts.join("-"))
}

/// `pFieldName = pQuotedValue <|> sepByDash pIdentifier`
pub fn field_name(p: &mut P) -> R<String> {
    p.alt(&mut [&mut quoted_value, &mut |p: &mut P| sep_by_dash(p, identifier)])
}

/// `pJsonKeyIdentifier = T.strip <$> many1 (noneOf "(-:.,>)")`
fn json_key_identifier(p: &mut P) -> R<String> {
    let out = p.many_none_of("(-:.,>)");
    if out.is_empty() {
        return p.fail("any non reserved character different from: .,>()");
    }
    Ok(out.trim().to_owned())
}

/// `pJsonPath = many (pJsonArrow <*> pJsonOperand)`
pub fn json_path(p: &mut P) -> R<Vec<JsonStep>> {
    let mut path = Vec::new();
    loop {
        let text = if p.attempt(|p| p.string("->>")).is_ok() {
            true
        } else if p.attempt(|p| p.string("->")).is_ok() {
            false
        } else {
            return Ok(path);
        };
        // pJsonOperand = try pJIdx <|> try pJKey
        let index = p.attempt(|p| {
            let mut out = String::new();
            if p.peek() == Some('-') {
                p.pos += 1;
                out.push('-');
            } else {
                out.push('+');
            }
            let start = out.len();
            while let Some(c) = p.peek().filter(char::is_ascii_digit) {
                out.push(c);
                p.pos += 1;
            }
            if out.len() == start {
                return p.fail("digit");
            }
            let rest: String = p.text[p.pos..].iter().take(2).collect();
            if p.at_end()
                || rest.starts_with("->")
                || rest.starts_with("::")
                || rest.starts_with('.')
                || rest.starts_with(',')
            {
                Ok(out)
            } else {
                p.fail("\"->\", \"::\", \".\", \",\" or end of input")
            }
        });
        let operand =
            match index {
                Ok(index) => JsonOperand::Index(index),
                Err(()) => JsonOperand::Key(p.attempt(|p| {
                    p.alt(&mut [&mut quoted_value, &mut |p: &mut P| sep_by_dash(p, json_key_identifier)])
                })?),
            };
        path.push(JsonStep { text, operand });
    }
}

/// `pField = lexeme $ (,) <$> pFieldName <*> P.option [] pJsonPath`
pub fn field(p: &mut P) -> R<Field> {
    p.lexeme(|p| {
        let name = field_name(p)?;
        let json_path = json_path(p)?;
        Ok(Field { name, json_path })
    })
}

/// `pTreePath`: the key of a filter, `embedded.path.column->json`.
pub fn tree_path(p: &mut P) -> R<(Vec<String>, Field)> {
    let mut names = vec![field_name(p)?];
    while p.peek() == Some('.') {
        p.pos += 1;
        names.push(field_name(p)?);
    }
    let json_path = json_path(p)?;
    let name = names.pop().expect("sepBy1 gives one name at least");
    Ok((names, Field { name, json_path }))
}

/// `pLogicPath`: the key of a logic tree, `embedded.path.not.or`.
pub fn logic_path(p: &mut P) -> R<(Vec<String>, String)> {
    let mut names = vec![field_name(p)?];
    while p.peek() == Some('.') {
        p.pos += 1;
        names.push(field_name(p)?);
    }
    let op = names.pop().expect("sepBy1 gives one name at least");
    let negated = names.iter().any(|n| n == "not");
    names.retain(|n| n != "not");
    Ok((names, if negated { format!("not.{op}") } else { op }))
}

/// Which value parser follows the operator: the rest of the text at the top level
/// (`pSingleVal = many anyChar`), or `pLogicSingleVal` inside a logic tree.
#[derive(Clone, Copy)]
pub enum ValueContext {
    TopLevel,
    Tree,
}

fn single_val(p: &mut P, context: ValueContext) -> R<String> {
    match context {
        ValueContext::TopLevel => {
            let rest: String = p.text[p.pos..].iter().collect();
            p.pos = p.text.len();
            Ok(rest)
        }
        ValueContext::Tree => logic_single_val(p),
    }
}

/// `pLogicSingleVal = try (pQuotedValue <* notFollowedBy (noneOf ",)")) <|> try pPgArray <|> many (noneOf ",)")`
fn logic_single_val(p: &mut P) -> R<String> {
    if let Ok(value) = p.attempt(|p| {
        let value = quoted_value(p)?;
        p.at_list_end()?;
        Ok(value)
    }) {
        return Ok(value);
    }
    if let Ok(value) = p.attempt(|p| {
        p.char('{')?;
        let inner = p.many_none_of("{}");
        p.char('}')?;
        Ok(format!("{{{inner}}}"))
    }) {
        return Ok(value);
    }
    Ok(p.many_none_of(",)"))
}

/// `pListVal = lexeme (char '(') *> pListElement `sepBy1` char ',' <* lexeme (char ')')`
fn list_val(p: &mut P) -> R<Vec<String>> {
    p.lexeme(|p| p.char('('))?;
    let mut items = vec![list_element(p)?];
    while p.peek() == Some(',') {
        p.pos += 1;
        items.push(list_element(p)?);
    }
    p.lexeme(|p| p.char(')'))?;
    Ok(items)
}

/// `pListElement = try (pQuotedValue <* notFollowedBy (noneOf ",)")) <|> many (noneOf ",)")`
fn list_element(p: &mut P) -> R<String> {
    if let Ok(value) = p.attempt(|p| {
        let value = quoted_value(p)?;
        p.at_list_end()?;
        Ok(value)
    }) {
        return Ok(value);
    }
    Ok(p.many_none_of(",)"))
}

fn is_val(p: &mut P) -> R<IsVal> {
    for (word, value) in [
        ("null", IsVal::Null),
        ("not_null", IsVal::NotNull),
        ("true", IsVal::True),
        ("false", IsVal::False),
        ("unknown", IsVal::Unknown),
    ] {
        if p.attempt(|p| p.ci_string(word)).is_ok() {
            return Ok(value);
        }
    }
    p.fail("isVal: (null, not_null, true, false, unknown)")
}

const SIMPLE: &[(&str, &str)] = &[
    ("neq", "<>"),
    ("cs", "@>"),
    ("cd", "<@"),
    ("ov", "&&"),
    ("sl", "<<"),
    ("sr", ">>"),
    ("nxr", "&<"),
    ("nxl", "&>"),
    ("adj", "-|-"),
];

const QUANT: &[(&str, &str)] = &[
    ("eq", "="),
    ("gte", ">="),
    ("gt", ">"),
    ("lte", "<="),
    ("lt", "<"),
    ("like", "like"),
    ("ilike", "ilike"),
    ("match", "~"),
    ("imatch", "~*"),
];

const FTS: &[(&str, &str)] = &[
    ("fts", "to_tsquery"),
    ("plfts", "plainto_tsquery"),
    ("phfts", "phraseto_tsquery"),
    ("wfts", "websearch_to_tsquery"),
];

fn keyword(p: &mut P, table: &[(&'static str, &'static str)]) -> R<(&'static str, &'static str)> {
    for (word, sql) in table {
        if p.attempt(|p| p.string(word)).is_ok() {
            return Ok((word, sql));
        }
    }
    p.fail("operator (eq, gt, ...)")
}

/// `pOpExpr`: `[not.]operator.operand`.
pub fn op_expr(p: &mut P, context: ValueContext) -> R<(bool, Operation)> {
    let negated = p
        .attempt(|p| {
            p.string("not")?;
            p.char('.')
        })
        .is_ok();
    // pOperation = pIn <|> pIs <|> pIsDist <|> try pFts <|> try pSimpleOp <|> try pQuantOp
    let operation = p.alt(&mut [
        &mut |p: &mut P| {
            p.attempt(|p| {
                p.string("in")?;
                p.char('.')
            })?;
            Ok(Operation::In(list_val(p)?))
        },
        &mut |p: &mut P| {
            p.attempt(|p| {
                p.string("is")?;
                p.char('.')
            })?;
            Ok(Operation::Is(is_val(p)?))
        },
        &mut |p: &mut P| {
            p.attempt(|p| {
                p.string("isdistinct")?;
                p.char('.')
            })?;
            Ok(Operation::IsDistinct(single_val(p, context)?))
        },
        &mut |p: &mut P| {
            p.attempt(|p| {
                let (_, function) = keyword(p, FTS)?;
                let language = p
                    .attempt(|p| {
                        p.char('(')?;
                        let language = identifier(p)?;
                        p.char(')')?;
                        Ok(language)
                    })
                    .ok();
                p.char('.')?;
                Ok(Operation::Fts { function, language, value: single_val(p, context)? })
            })
        },
        &mut |p: &mut P| {
            p.attempt(|p| {
                let (_, sql) = keyword(p, SIMPLE)?;
                p.char('.')?;
                Ok(Operation::Simple(sql, single_val(p, context)?))
            })
        },
        &mut |p: &mut P| {
            p.attempt(|p| {
                let (word, op) = keyword(p, QUANT)?;
                let quantifier = p
                    .attempt(|p| {
                        p.char('(')?;
                        let q = if p.attempt(|p| p.string("any")).is_ok() {
                            "ANY"
                        } else {
                            p.string("all")?;
                            "ALL"
                        };
                        p.char(')')?;
                        Ok(q)
                    })
                    .ok();
                p.char('.')?;
                let like = matches!(word, "like" | "ilike");
                Ok(Operation::Quant { op, like, quantifier, value: single_val(p, context)? })
            })
        },
    ]);
    Ok((negated, operation?))
}

/// `pLogicTree = Stmnt <$> try pLogicFilter <|> Expr <$> pNot <*> pLogicOp <*> (lexeme (char '(') *> pLogicTree `sepBy1` lexeme (char ',') <* lexeme (char ')'))`
pub fn logic_tree(p: &mut P) -> R<LogicTree> {
    if let Ok(filter) = p.attempt(|p| {
        let field = field(p)?;
        p.char('.')?;
        let (negated, operation) = op_expr(p, ValueContext::Tree)?;
        Ok(Filter { field, negated, operation })
    }) {
        return Ok(LogicTree::Stmnt(filter));
    }
    let negated = p
        .attempt(|p| {
            p.string("not")?;
            p.char('.')
        })
        .is_ok();
    let and = if p.attempt(|p| p.string("and")).is_ok() {
        true
    } else {
        p.string("or").or_else(|()| p.fail("logic operator (and, or)"))?;
        false
    };
    p.lexeme(|p| p.char('('))?;
    let mut items = vec![logic_tree(p)?];
    loop {
        // sepBy1 with `lexeme (char ',')`: spaces before a missing comma are a consumed failure.
        let start = p.pos;
        p.ws();
        if p.peek() == Some(',') {
            p.pos += 1;
            p.ws();
            items.push(logic_tree(p)?);
        } else if p.pos != start {
            return p.fail("\",\"");
        } else {
            break;
        }
    }
    p.lexeme(|p| p.char(')'))?;
    Ok(LogicTree::Expr { negated, and, items })
}

/// `pOrder = lexeme (try pOrderRelationTerm <|> pOrderTerm) `sepBy1` char ','`
pub fn order(p: &mut P) -> R<Vec<OrderTerm>> {
    let mut terms = vec![p.lexeme(order_term)?];
    while p.peek() == Some(',') {
        p.pos += 1;
        terms.push(p.lexeme(order_term)?);
    }
    Ok(terms)
}

fn order_term(p: &mut P) -> R<OrderTerm> {
    if let Ok(term) = p.attempt(|p| {
        let relation = field_name(p)?;
        p.char('(')?;
        let field = field(p)?;
        p.char(')')?;
        order_tail(p, field, Some(relation))
    }) {
        return Ok(term);
    }
    let field = field(p)?;
    order_tail(p, field, None)
}

fn order_tail(p: &mut P, field: Field, relation: Option<String>) -> R<OrderTerm> {
    let descending = if p.attempt(|p| p.string(".asc")).is_ok() {
        Some(false)
    } else if p.attempt(|p| p.string(".desc")).is_ok() {
        Some(true)
    } else {
        None
    };
    let nulls_first = if p.attempt(|p| p.string(".nullsfirst")).is_ok() {
        Some(true)
    } else if p.attempt(|p| p.string(".nullslast")).is_ok() {
        Some(false)
    } else {
        None
    };
    // pEnd = try (lookAhead (char ',')) <|> try eof
    if !(p.at_end() || p.peek() == Some(',')) {
        return p.fail("\"asc\", \"desc\", \"nullsfirst\", \"nullslast\", \",\" or end of input");
    }
    Ok(OrderTerm { field, relation, descending, nulls_first })
}

/// `pColumns = pFieldName `sepBy1` lexeme (char ',')`, then the end: the `columns` and
/// `on_conflict` parameters (`pRequestColumns`, `pRequestOnConflict`).
pub fn columns(text: &str) -> R<Vec<String>> {
    let mut p = P::new(text);
    let mut names = vec![field_name(&mut p)?];
    while p.attempt(|p| p.lexeme(|p| p.char(','))).is_ok() {
        names.push(field_name(&mut p)?);
    }
    if !p.at_end() {
        return p.fail("\",\" or end of input");
    }
    Ok(names)
}

/// One item of `select` (`SelectItem`), with its sub-forest when it embeds a relation.
#[derive(Debug, Clone, PartialEq)]
pub enum SelectItem {
    /// `*`
    Star,
    /// `alias:column->json::cast` (`SelectField`); `aggregate` when it names an aggregate
    /// (`count()`, `col.sum()`), which this server does not run.
    Field { alias: Option<String>, field: Field, cast: Option<String>, aggregate: bool },
    /// `alias:relation!hint!inner(...)` (`SelectRelation`), or `...relation(...)` when `spread`.
    Relation {
        name: String,
        alias: Option<String>,
        hint: Option<String>,
        /// `!inner`: `Some(true)`; `!left`: `Some(false)`.
        inner: Option<bool>,
        spread: bool,
        children: Vec<SelectItem>,
    },
}

/// `pFieldForest = pFieldTree `sepBy` lexeme (char ',')`, as `pRequestSelect` runs it (no
/// `eof`: what follows a complete forest is ignored, as `P.parse` does).
pub fn select(text: &str) -> Result<Vec<SelectItem>, P> {
    let mut p = P::new(text);
    match field_forest(&mut p) {
        Ok(items) => Ok(items),
        Err(()) => Err(p),
    }
}

fn field_forest(p: &mut P) -> R<Vec<SelectItem>> {
    // sepBy: no item at all when the first fails without consuming input.
    let start = p.pos;
    let first = match field_tree(p) {
        Ok(item) => item,
        Err(()) if p.pos == start => return Ok(Vec::new()),
        Err(()) => return Err(()),
    };
    let mut items = vec![first];
    while p.attempt(|p| p.lexeme(|p| p.char(','))).is_ok() {
        items.push(field_tree(p)?);
    }
    Ok(items)
}

/// `pFieldTree`: `try pSpreadRelationSelect`, `try pRelationSelect` (each then the
/// sub-forest in parentheses), else `pFieldSelect`.
fn field_tree(p: &mut P) -> R<SelectItem> {
    let relation = p.attempt(spread_relation_select).or_else(|()| p.attempt(relation_select));
    match relation {
        Ok((name, alias, hint, inner, spread)) => {
            p.char('(')?;
            let children = field_forest(p)?;
            p.char(')')?;
            Ok(SelectItem::Relation { name, alias, hint, inner, spread, children })
        }
        Err(()) => field_select(p),
    }
}

type RelationHead = (String, Option<String>, Option<String>, Option<bool>, bool);

/// `aliasSeparator = char ':' >> notFollowedBy (char ':')`
fn alias_separator(p: &mut P) -> R<()> {
    p.char(':')?;
    if p.peek() == Some(':') {
        return p.fail("not \":\"");
    }
    Ok(())
}

/// `optionMaybe (try (pFieldName <* aliasSeparator))`
fn alias(p: &mut P) -> Option<String> {
    p.attempt(|p| {
        let name = field_name(p)?;
        alias_separator(p)?;
        Ok(name)
    })
    .ok()
}

/// `pSpreadRelationSelect`
fn spread_relation_select(p: &mut P) -> R<RelationHead> {
    p.lexeme(|p| {
        p.string("...")?;
        let name = field_name(p)?;
        let (hint, inner) = embed_params(p)?;
        p.attempt(look_ahead_paren)?;
        Ok((name, None, hint, inner, true))
    })
}

/// `pRelationSelect`: `guard (name /= "count")`, then the embed parameters and a `(` ahead.
fn relation_select(p: &mut P) -> R<RelationHead> {
    p.lexeme(|p| {
        let alias = alias(p);
        let name = field_name(p)?;
        if name == "count" {
            return p.fail("a relation other than count");
        }
        let (hint, inner) = embed_params(p)?;
        p.attempt(look_ahead_paren)?;
        Ok((name, alias, hint, inner, false))
    })
}

fn look_ahead_paren(p: &mut P) -> R<()> {
    if p.peek() == Some('(') { Ok(()) } else { p.fail("\"(\"") }
}

/// `pEmbedParams`: up to two of `!left`, `!inner`, `!hint`; the first hint and the first join
/// type win.
fn embed_params(p: &mut P) -> R<(Option<String>, Option<bool>)> {
    let mut hint = None;
    let mut inner = None;
    for _ in 0..2 {
        if p.peek() != Some('!') {
            break;
        }
        p.pos += 1;
        // try (string "left") <|> try (string "inner") <|> try (EPHint <$> pFieldName)
        if p.attempt(|p| p.string("left")).is_ok() {
            inner = inner.or(Some(false));
        } else if p.attempt(|p| p.string("inner")).is_ok() {
            inner = inner.or(Some(true));
        } else {
            let name = p.attempt(field_name)?;
            hint = hint.or(Some(name));
        }
    }
    Ok((hint, inner))
}

/// `pEnd = try (lookAhead ")") <|> try (lookAhead ",") <|> try eof`
fn select_end(p: &mut P) -> R<()> {
    match p.peek() {
        None | Some(')' | ',') => Ok(()),
        Some(_) => p.fail("\")\", \",\" or end of input"),
    }
}

/// `pIdentifier` after `::` (a cast).
fn cast_suffix(p: &mut P) -> R<Option<String>> {
    if p.attempt(|p| p.string("::")).is_err() {
        return Ok(None);
    }
    identifier(p).map(Some)
}

/// `pFieldSelect`
fn field_select(p: &mut P) -> R<SelectItem> {
    p.lexeme(|p| {
        if p.attempt(|p| {
            p.char('*')?;
            select_end(p)
        })
        .is_ok()
        {
            return Ok(SelectItem::Star);
        }
        if let Ok(alias) = p.attempt(|p| {
            let alias = alias(p);
            p.string("count()")?;
            cast_suffix(p)?;
            select_end(p)?;
            Ok(alias)
        }) {
            let field = Field { name: "*".to_owned(), json_path: Vec::new() };
            return Ok(SelectItem::Field { alias, field, cast: None, aggregate: true });
        }
        let alias = alias(p);
        let field = field(p)?;
        let cast = cast_suffix(p)?;
        let aggregate = p
            .attempt(|p| {
                p.char('.')?;
                p.alt(&mut [
                    &mut |p: &mut P| p.string("sum"),
                    &mut |p: &mut P| p.string("avg"),
                    &mut |p: &mut P| p.string("count"),
                    &mut |p: &mut P| p.attempt(|p| p.string("max")),
                    &mut |p: &mut P| p.attempt(|p| p.string("min")),
                ])?;
                p.string("()")
            })
            .is_ok();
        if aggregate {
            cast_suffix(p)?;
        }
        select_end(p)?;
        Ok(SelectItem::Field { alias, field, cast, aggregate })
    })
}
