//! The OData subset APIM's list operations take: `$filter` with `eq`, `ne`,
//! `gt`, `ge`, `lt`, `le`, the functions `contains`, `startswith`,
//! `endswith` (and the older `substringof`), joined by `and`/`or`, with
//! parentheses and `not`. A filter is parsed into a tree, checked against
//! the fields an entity allows, and turned into a SQL condition with bound
//! arguments: no text of the request ever becomes SQL.

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(String),
    Number(i64),
    Bool(bool),
    Null,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    Contains,
    StartsWith,
    EndsWith,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Compare(String, Cmp, Value),
    Call(Func, String, String),
}

#[derive(Debug, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(i64),
    LParen,
    RParen,
    Comma,
}

fn lex(s: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\n' | '\r' => i += 1,
            '(' => {
                out.push(Tok::LParen);
                i += 1
            }
            ')' => {
                out.push(Tok::RParen);
                i += 1
            }
            ',' => {
                out.push(Tok::Comma);
                i += 1
            }
            '\'' => {
                let mut v = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err("a text value is not closed with '".into()),
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            v.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(&ch) => {
                            v.push(ch);
                            i += 1;
                        }
                    }
                }
                out.push(Tok::Str(v));
            }
            c if c.is_ascii_digit() || (c == '-' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) => {
                let start = i;
                i += 1;
                while chars.get(i).is_some_and(|d| d.is_ascii_digit()) {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                out.push(Tok::Num(text.parse().map_err(|_| format!("the number {text} is too large"))?));
            }
            c if c.is_alphanumeric() || c == '_' || c == '$' => {
                let start = i;
                while chars.get(i).is_some_and(|d| d.is_alphanumeric() || matches!(d, '_' | '/' | '.' | '$')) {
                    i += 1;
                }
                out.push(Tok::Ident(chars[start..i].iter().collect()));
            }
            other => return Err(format!("unexpected character '{other}'")),
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek_word(&self) -> Option<String> {
        match self.toks.get(self.pos) {
            Some(Tok::Ident(w)) => Some(w.to_ascii_lowercase()),
            _ => None,
        }
    }
    fn expect(&mut self, t: Tok, what: &str) -> Result<(), String> {
        if self.toks.get(self.pos) == Some(&t) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!("expected {what}"))
        }
    }
    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.peek_word().as_deref() == Some("or") {
            self.pos += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }
    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        while self.peek_word().as_deref() == Some("and") {
            self.pos += 1;
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }
    fn unary(&mut self) -> Result<Expr, String> {
        if self.peek_word().as_deref() == Some("not") {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.toks.get(self.pos) == Some(&Tok::LParen) {
            self.pos += 1;
            let e = self.or()?;
            self.expect(Tok::RParen, "')'")?;
            return Ok(e);
        }
        self.primary()
    }
    fn text(&mut self) -> Result<String, String> {
        match self.toks.get(self.pos) {
            Some(Tok::Str(s)) => {
                let s = s.clone();
                self.pos += 1;
                Ok(s)
            }
            _ => Err("expected a text value in quotes, e.g. 'ada'".into()),
        }
    }
    fn field(&mut self) -> Result<String, String> {
        match self.toks.get(self.pos) {
            Some(Tok::Ident(s)) => {
                let s = s.clone();
                self.pos += 1;
                Ok(s)
            }
            _ => Err("expected a field name, e.g. properties/email".into()),
        }
    }
    fn primary(&mut self) -> Result<Expr, String> {
        let word = self.field()?;
        let func = match word.to_ascii_lowercase().as_str() {
            "contains" => Some(Func::Contains),
            "startswith" => Some(Func::StartsWith),
            "endswith" => Some(Func::EndsWith),
            "substringof" => {
                // substringof('value', field): the older argument order.
                self.expect(Tok::LParen, "'(' after substringof")?;
                let v = self.text()?;
                self.expect(Tok::Comma, "','")?;
                let f = self.field()?;
                self.expect(Tok::RParen, "')'")?;
                return Ok(Expr::Call(Func::Contains, f, v));
            }
            _ => None,
        };
        if let Some(func) = func {
            if self.toks.get(self.pos) == Some(&Tok::LParen) {
                self.pos += 1;
                let f = self.field()?;
                self.expect(Tok::Comma, "','")?;
                let v = self.text()?;
                self.expect(Tok::RParen, "')'")?;
                return Ok(Expr::Call(func, f, v));
            }
        }
        let op = match self.peek_word().as_deref() {
            Some("eq") => Cmp::Eq,
            Some("ne") => Cmp::Ne,
            Some("gt") => Cmp::Gt,
            Some("ge") => Cmp::Ge,
            Some("lt") => Cmp::Lt,
            Some("le") => Cmp::Le,
            Some(other) => return Err(format!("unknown operator '{other}' after {word}")),
            None => return Err(format!("expected an operator (eq, ne, gt, ge, lt, le) after {word}")),
        };
        self.pos += 1;
        let value = match self.toks.get(self.pos) {
            Some(Tok::Str(s)) => Value::Text(s.clone()),
            Some(Tok::Num(n)) => Value::Number(*n),
            Some(Tok::Ident(w)) if w.eq_ignore_ascii_case("true") => Value::Bool(true),
            Some(Tok::Ident(w)) if w.eq_ignore_ascii_case("false") => Value::Bool(false),
            Some(Tok::Ident(w)) if w.eq_ignore_ascii_case("null") => Value::Null,
            // Unquoted ISO dates: registrationDate ge 2024-01-01T00:00:00Z
            _ => {
                return Err(format!("expected a value after {word}"));
            }
        };
        self.pos += 1;
        Ok(Expr::Compare(word, op, value))
    }
}

pub const MAX_FILTER_LEN: usize = 2000;

pub fn parse(s: &str) -> Result<Expr, String> {
    if s.len() > MAX_FILTER_LEN {
        return Err(format!("$filter is longer than {MAX_FILTER_LEN} characters"));
    }
    let toks = lex(s)?;
    if toks.is_empty() {
        return Err("$filter is empty".into());
    }
    let mut p = Parser { toks, pos: 0 };
    let e = p.or()?;
    if p.pos != p.toks.len() {
        return Err("unexpected text after the end of the condition".into());
    }
    Ok(e)
}

/// How a field may be filtered, and where it lives in SQL.
#[derive(Clone, Copy)]
pub enum Kind {
    /// Any operator and function; compared case-insensitively.
    Text,
    /// `eq` and `ne` only (states, types).
    Enum(&'static [&'static str]),
    /// A unix-time column compared with an ISO 8601 date.
    Date,
    /// `eq`/`ne` with true/false.
    Bool,
}

#[derive(Clone, Copy)]
pub struct Field {
    /// The property name (`email`); `properties/email` and `name` forms are accepted.
    pub name: &'static str,
    pub sql: &'static str,
    pub kind: Kind,
    /// A full-text index column that can narrow substring matches first.
    pub fts: Option<&'static str>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    Text(String),
    Int(i64),
    Bool(bool),
}

#[cfg(feature = "ssr")]
impl From<Arg> for crate::db::Arg {
    fn from(a: Arg) -> Self {
        match a {
            Arg::Text(s) => crate::db::Arg::Text(Some(s)),
            Arg::Int(i) => crate::db::Arg::I64(Some(i)),
            Arg::Bool(b) => crate::db::Arg::Bool(Some(b)),
        }
    }
}

/// A SQL condition and its arguments, in order.
#[derive(Debug, Default, Clone)]
pub struct SqlWhere {
    pub sql: String,
    pub args: Vec<Arg>,
}

/// Turns a filter into SQL over `fields`. `fts_table` is the trigram index
/// the `fts` columns belong to, with `fts_rowid` the column it maps to.
pub struct Translator<'a> {
    pub fields: &'a [Field],
    pub fts: Option<(&'a str, &'a str)>,
}

fn like_escape(s: &str) -> String {
    crate::db::like_escape(s)
}

impl Translator<'_> {
    fn field(&self, path: &str) -> Result<&Field, String> {
        let name = path.strip_prefix("properties/").unwrap_or(path);
        self.fields.iter().find(|f| f.name.eq_ignore_ascii_case(name)).ok_or_else(|| {
            let known: Vec<&str> = self.fields.iter().map(|f| f.name).collect();
            format!("the field '{path}' cannot be filtered on here; use one of: {}", known.join(", "))
        })
    }

    pub fn translate(&self, e: &Expr) -> Result<SqlWhere, String> {
        let mut w = SqlWhere::default();
        self.emit(e, &mut w)?;
        Ok(w)
    }

    fn emit(&self, e: &Expr, w: &mut SqlWhere) -> Result<(), String> {
        match e {
            Expr::And(a, b) | Expr::Or(a, b) => {
                w.sql.push('(');
                self.emit(a, w)?;
                w.sql.push_str(if matches!(e, Expr::And(..)) { " AND " } else { " OR " });
                self.emit(b, w)?;
                w.sql.push(')');
            }
            Expr::Not(a) => {
                w.sql.push_str("NOT (");
                self.emit(a, w)?;
                w.sql.push(')');
            }
            Expr::Call(func, path, value) => {
                let f = self.field(path)?;
                if !matches!(f.kind, Kind::Text) {
                    return Err(format!("'{}' takes only eq and ne", f.name));
                }
                // A trigram index finds substrings of three or more characters
                // without reading every row. It may cover more text than this
                // field (all names and the email), so the LIKE still decides.
                if let (Some(col), Some((table, rowid))) = (f.fts, self.fts) {
                    if value.chars().count() >= 3 {
                        w.sql.push_str(&format!("{rowid} IN (SELECT rowid FROM {table} WHERE {table} MATCH ?) AND "));
                        w.args.push(Arg::Text(format!("{col} : \"{}\"", value.replace('"', "\"\""))));
                    }
                }
                let pattern = match func {
                    Func::Contains => format!("%{}%", like_escape(value)),
                    Func::StartsWith => format!("{}%", like_escape(value)),
                    Func::EndsWith => format!("%{}", like_escape(value)),
                };
                // Case-insensitive as in APIM (SQLite's LIKE already is for
                // ASCII; PostgreSQL's is not): both sides lower-cased.
                w.sql.push_str(&format!("lower(COALESCE({}, '')) LIKE lower(?) ESCAPE '\\'", f.sql));
                w.args.push(Arg::Text(pattern));
            }
            Expr::Compare(path, op, value) => {
                let f = self.field(path)?;
                let sql_op = match op {
                    Cmp::Eq => "=",
                    Cmp::Ne => "<>",
                    Cmp::Gt => ">",
                    Cmp::Ge => ">=",
                    Cmp::Lt => "<",
                    Cmp::Le => "<=",
                };
                match (f.kind, value) {
                    (_, Value::Null) if matches!(op, Cmp::Eq | Cmp::Ne) => {
                        let is = if *op == Cmp::Eq { "IS NULL" } else { "IS NOT NULL" };
                        w.sql.push_str(&format!("{} {is}", f.sql));
                    }
                    (Kind::Text, Value::Text(v)) => {
                        if matches!(op, Cmp::Eq | Cmp::Ne) {
                            w.sql.push_str(&format!("lower(COALESCE({}, '')) {sql_op} lower(?)", f.sql));
                        } else {
                            w.sql.push_str(&format!("{} {sql_op} ?", f.sql));
                        }
                        w.args.push(Arg::Text(v.clone()));
                    }
                    (Kind::Enum(allowed), Value::Text(v)) => {
                        if !matches!(op, Cmp::Eq | Cmp::Ne) {
                            return Err(format!("'{}' takes only eq and ne", f.name));
                        }
                        if !allowed.contains(&v.as_str()) {
                            return Err(format!(
                                "'{v}' is not a value of {}; use one of: {}",
                                f.name,
                                allowed.join(", ")
                            ));
                        }
                        w.sql.push_str(&format!("{} {sql_op} ?", f.sql));
                        w.args.push(Arg::Text(v.clone()));
                    }
                    (Kind::Date, Value::Text(v)) => {
                        let t = parse_date(v).ok_or_else(|| {
                            format!("'{v}' is not a date; write it as 2024-05-01 or 2024-05-01T12:00:00Z")
                        })?;
                        w.sql.push_str(&format!("{} {sql_op} ?", f.sql));
                        w.args.push(Arg::Int(t));
                    }
                    (Kind::Bool, Value::Bool(b)) if matches!(op, Cmp::Eq | Cmp::Ne) => {
                        w.sql.push_str(&format!("{} {sql_op} ?", f.sql));
                        w.args.push(Arg::Bool(*b));
                    }
                    _ => return Err(format!("the value for '{}' has the wrong type", f.name)),
                }
            }
        }
        Ok(())
    }
}

/// The condition of an API list: the scope it is limited to (a condition
/// with one integer argument, e.g. "members of group ?") and the `$filter`.
/// The repositories build their SQL with it, so each list binds the same way.
pub struct ListQuery<'a> {
    pub scope: Option<(&'static str, i64)>,
    pub filter: Option<&'a SqlWhere>,
}

impl<'a> ListQuery<'a> {
    pub fn where_sql(&self) -> String {
        let mut conds = vec![];
        if let Some((c, _)) = self.scope {
            conds.push(c.to_string());
        }
        if let Some(f) = self.filter {
            conds.push(format!("({})", f.sql));
        }
        if conds.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conds.join(" AND "))
        }
    }

    fn args(&self) -> impl Iterator<Item = Arg> + '_ {
        self.scope
            .map(|(_, a)| Arg::Int(a))
            .into_iter()
            .chain(self.filter.into_iter().flat_map(|f| f.args.iter().cloned()))
    }

    pub fn bind_as<'q, O: crate::db::Row>(&self, mut q: crate::db::QueryAs<'q, O>) -> crate::db::QueryAs<'q, O> {
        for a in self.args() {
            q = q.bind_arg(a.into());
        }
        q
    }

    /// One page of `select` (a SELECT through its FROM and JOINs) in
    /// `order`, and how many rows match in all; `count_from` is the same
    /// FROM and JOINs.
    pub async fn page<R>(
        &self,
        conn: &mut dyn crate::db::Conn,
        select: &str,
        count_from: &str,
        order: &str,
        top: i64,
        skip: i64,
    ) -> Result<(Vec<R>, i64), sqlx::Error>
    where
        R: crate::db::Row,
    {
        let conds = self.where_sql();
        let sql = format!("{select} {conds} ORDER BY {order} LIMIT ? OFFSET ?");
        let rows: Vec<R> = self.bind_as(crate::db::query_as(&sql)).bind(top).bind(skip).fetch_all(&mut *conn).await?;
        let count_sql = format!("SELECT COUNT(*) {count_from} {conds}");
        let total: i64 = self.bind_scalar(crate::db::query_scalar(&count_sql)).fetch_one(&mut *conn).await?;
        Ok((rows, total))
    }

    pub fn bind_scalar<'q, O>(&self, mut q: crate::db::QueryScalar<'q, O>) -> crate::db::QueryScalar<'q, O>
    where
        (O,): crate::db::Row,
    {
        for a in self.args() {
            q = q.bind_arg(a.into());
        }
        q
    }
}

/// An ISO 8601 date or date-time (UTC, `Z` or an offset) as unix seconds.
pub fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, time) = match s.split_once(['T', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut dp = date.split('-');
    let y: i64 = dp.next()?.parse().ok()?;
    let m: i64 = dp.next()?.parse().ok()?;
    let d: i64 = dp.next()?.parse().ok()?;
    if dp.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(1..=9999).contains(&y) {
        return None;
    }
    let mut secs = 0;
    let mut offset = 0;
    if let Some(t) = time {
        let (clock, off) = if let Some(c) = t.strip_suffix('Z').or_else(|| t.strip_suffix('z')) {
            (c, 0)
        } else if let Some(i) = t.rfind(['+', '-']) {
            let (c, o) = t.split_at(i);
            let sign = if o.starts_with('-') { -1 } else { 1 };
            let (oh, om) = o[1..].split_once(':').unwrap_or((&o[1..], "0"));
            (c, sign * (oh.parse::<i64>().ok()? * 3600 + om.parse::<i64>().ok()? * 60))
        } else {
            (t, 0)
        };
        let clock = clock.split('.').next()?;
        let mut cp = clock.split(':');
        let h: i64 = cp.next()?.parse().ok()?;
        let mi: i64 = cp.next().unwrap_or("0").parse().ok()?;
        let se: i64 = cp.next().unwrap_or("0").parse().ok()?;
        if h > 23 || mi > 59 || se > 60 {
            return None;
        }
        secs = h * 3600 + mi * 60 + se;
        offset = off;
    }
    // Howard Hinnant's days_from_civil.
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + secs - offset)
}

/// Unix seconds as APIM writes dates: 2024-05-01T12:00:00Z.
pub fn format_date(unix: i64) -> String {
    let secs = unix.rem_euclid(86_400);
    format!("{}T{:02}:{:02}:{:02}Z", crate::components::format_date(unix), secs / 3600, (secs % 3600) / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[Field] = &[
        Field { name: "email", sql: "u.email", kind: Kind::Text, fts: Some("search_text") },
        Field { name: "firstName", sql: "u.first_name", kind: Kind::Text, fts: None },
        Field { name: "state", sql: "u.state", kind: Kind::Enum(&["active", "blocked"]), fts: None },
        Field { name: "registrationDate", sql: "u.registered_at", kind: Kind::Date, fts: None },
    ];

    fn sql(f: &str) -> Result<SqlWhere, String> {
        Translator { fields: FIELDS, fts: Some(("users_fts", "u.id")) }.translate(&parse(f)?)
    }

    #[test]
    fn parses_what_apim_clients_send() {
        let w = sql("contains(properties/email,'ada')").unwrap();
        assert_eq!(w.sql, "u.id IN (SELECT rowid FROM users_fts WHERE users_fts MATCH ?) AND lower(COALESCE(u.email, '')) LIKE lower(?) ESCAPE '\\'");
        assert_eq!(w.args, vec![Arg::Text("search_text : \"ada\"".into()), Arg::Text("%ada%".into())]);
        let w = sql("startswith(firstName,'A_a') and state eq 'active'").unwrap();
        assert_eq!(w.sql, "(lower(COALESCE(u.first_name, '')) LIKE lower(?) ESCAPE '\\' AND u.state = ?)");
        assert_eq!(w.args, vec![Arg::Text("A\\_a%".into()), Arg::Text("active".into())]);
        let w = sql("substringof('O''Brien', email)").unwrap();
        assert_eq!(w.args[0], Arg::Text("search_text : \"O'Brien\"".into()));
        let w = sql("registrationDate ge '2024-01-02T00:00:00Z' or not (email eq 'a@b.c')").unwrap();
        assert_eq!(w.args[0], Arg::Int(1704153600));
        assert!(w.sql.contains("OR NOT (lower(COALESCE(u.email, '')) = lower(?))"));
    }

    #[test]
    fn refuses_what_it_cannot_answer_with_a_reason() {
        assert!(sql("contains(password,'x')").unwrap_err().contains("cannot be filtered"));
        assert!(sql("state gt 'active'").unwrap_err().contains("only eq and ne"));
        assert!(sql("state eq 'gone'").unwrap_err().contains("not a value"));
        assert!(sql("email eq 'open").unwrap_err().contains("not closed"));
        assert!(sql("email like 'x'").unwrap_err().contains("unknown operator"));
        assert!(sql("email eq 'x' junk").is_err());
        assert!(sql("registrationDate ge 'soon'").unwrap_err().contains("not a date"));
        assert!(sql("").is_err());
    }

    #[test]
    fn dates_round_trip() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2024-05-01T12:30:00Z"), Some(1714566600));
        assert_eq!(parse_date("2024-05-01T14:30:00+02:00"), Some(1714566600));
        assert_eq!(format_date(1714566600), "2024-05-01T12:30:00Z");
        assert_eq!(parse_date("2024-13-01"), None);
    }
}
