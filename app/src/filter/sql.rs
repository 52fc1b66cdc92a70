//! A parsed filter checked against the fields an entity allows and turned
//! into a SQL condition with bound arguments, the same for both backends.
use super::parse::{parse_date, Cmp, Expr, Func, Value};

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
