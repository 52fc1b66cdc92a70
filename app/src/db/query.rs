//! One query API over both backends. Repositories write their SQL once, with
//! SQLite's `?` / `?N` placeholders, bind plain Rust values and read rows
//! with `sqlx::FromRow`; on PostgreSQL the placeholders become `$N`. A
//! repository function takes `&mut dyn Conn`, so a pooled connection, a
//! transaction or a savepoint of either backend can be passed.
//!
//! Why not sqlx's `Any` driver: it has no timestamp or JSON types and its
//! builder writes `?`, which PostgreSQL refuses. Typed pools underneath keep
//! each backend's own types and prepared-statement cache.
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Arguments, FromRow, PgConnection, SqliteConnection};
use std::borrow::Cow;
use std::marker::PhantomData;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection of one backend, borrowed for one statement.
pub enum Raw<'c> {
    Lite(&'c mut SqliteConnection),
    Pg(&'c mut PgConnection),
}

/// Anything a statement can run on: a connection, a pooled connection, a
/// transaction or a savepoint, of either backend.
pub trait Conn: Send {
    fn raw(&mut self) -> Raw<'_>;

    fn backend(&mut self) -> Backend {
        match self.raw() {
            Raw::Lite(_) => Backend::Sqlite,
            Raw::Pg(_) => Backend::Postgres,
        }
    }
}

impl Conn for SqliteConnection {
    fn raw(&mut self) -> Raw<'_> {
        Raw::Lite(self)
    }
}

impl Conn for PgConnection {
    fn raw(&mut self) -> Raw<'_> {
        Raw::Pg(self)
    }
}

impl Conn for sqlx::pool::PoolConnection<sqlx::Sqlite> {
    fn raw(&mut self) -> Raw<'_> {
        Raw::Lite(self)
    }
}

impl Conn for sqlx::pool::PoolConnection<sqlx::Postgres> {
    fn raw(&mut self) -> Raw<'_> {
        Raw::Pg(self)
    }
}

impl Conn for sqlx::Transaction<'_, sqlx::Sqlite> {
    fn raw(&mut self) -> Raw<'_> {
        Raw::Lite(self)
    }
}

impl Conn for sqlx::Transaction<'_, sqlx::Postgres> {
    fn raw(&mut self) -> Raw<'_> {
        Raw::Pg(self)
    }
}

/// Where a statement runs: a connection (any `Conn`), or the pool, which
/// lends one for the statement.
pub enum Via<'c> {
    Conn(&'c mut (dyn Conn + 'c)),
    Pool(&'c super::Pool),
}

impl<'c, T: Conn> From<&'c mut T> for Via<'c> {
    fn from(c: &'c mut T) -> Self {
        Via::Conn(c)
    }
}

impl<'c, 'd: 'c> From<&'c mut (dyn Conn + 'd)> for Via<'c> {
    fn from(c: &'c mut (dyn Conn + 'd)) -> Self {
        Via::Conn(c)
    }
}

impl<'c> From<&'c super::Pool> for Via<'c> {
    fn from(p: &'c super::Pool) -> Self {
        Via::Pool(p)
    }
}

/// Runs `$body` with `$c` bound to a `Raw` connection of `$via`.
macro_rules! on {
    ($via:expr, |$raw:ident| $body:expr) => {
        match $via.into() {
            Via::Conn(c) => {
                let $raw = c.raw();
                $body
            }
            Via::Pool(p) => {
                let mut pc = p.acquire().await?;
                let $raw = pc.raw();
                $body
            }
        }
    };
}

/// A bound value, owned, in the few types the schema uses.
#[derive(Clone, Debug)]
pub enum Arg {
    I64(Option<i64>),
    F64(Option<f64>),
    Bool(Option<bool>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

pub trait IntoArg {
    fn into_arg(self) -> Arg;
    /// The NULL of this type (PostgreSQL types every parameter).
    fn null() -> Arg;
}

macro_rules! args {
    ($($t:ty => $variant:ident($conv:expr)),* $(,)?) => {$(
        impl IntoArg for $t {
            fn into_arg(self) -> Arg {
                #[allow(clippy::redundant_closure_call)]
                Arg::$variant(Some(($conv)(self)))
            }
            fn null() -> Arg {
                Arg::$variant(None)
            }
        }
    )*};
}

args! {
    i64 => I64(|v| v),
    i32 => I64(i64::from),
    u32 => I64(i64::from),
    u16 => I64(i64::from),
    u8 => I64(i64::from),
    // Counts and sizes: never near i64::MAX.
    u64 => I64(|v: u64| v as i64),
    usize => I64(|v: usize| v as i64),
    f64 => F64(|v| v),
    bool => Bool(|v| v),
    String => Text(|v| v),
    &str => Text(str::to_owned),
    &String => Text(String::clone),
    Cow<'_, str> => Text(Cow::into_owned),
    Vec<u8> => Bytes(|v| v),
    &[u8] => Bytes(<[u8]>::to_vec),
    &Vec<u8> => Bytes(Vec::clone),
}

impl<const N: usize> IntoArg for [u8; N] {
    fn into_arg(self) -> Arg {
        Arg::Bytes(Some(self.to_vec()))
    }
    fn null() -> Arg {
        Arg::Bytes(None)
    }
}

impl<const N: usize> IntoArg for &[u8; N] {
    fn into_arg(self) -> Arg {
        Arg::Bytes(Some(self.to_vec()))
    }
    fn null() -> Arg {
        Arg::Bytes(None)
    }
}

impl<T: IntoArg> IntoArg for Option<T> {
    fn into_arg(self) -> Arg {
        match self {
            Some(v) => v.into_arg(),
            None => T::null(),
        }
    }
    fn null() -> Arg {
        T::null()
    }
}

impl<T: IntoArg + Clone> IntoArg for &Option<T> {
    fn into_arg(self) -> Arg {
        self.clone().into_arg()
    }
    fn null() -> Arg {
        T::null()
    }
}

/// The arguments of one backend (`SqliteArguments` or `PgArguments`).
fn build_args<'q, A>(args: Vec<Arg>) -> Result<A, sqlx::Error>
where
    A: Arguments<'q> + Default,
    Option<i64>: sqlx::Encode<'q, A::Database> + sqlx::Type<A::Database>,
    Option<f64>: sqlx::Encode<'q, A::Database> + sqlx::Type<A::Database>,
    Option<bool>: sqlx::Encode<'q, A::Database> + sqlx::Type<A::Database>,
    Option<String>: sqlx::Encode<'q, A::Database> + sqlx::Type<A::Database>,
    Option<Vec<u8>>: sqlx::Encode<'q, A::Database> + sqlx::Type<A::Database>,
{
    let mut a = A::default();
    for v in args {
        match v {
            Arg::I64(v) => a.add(v),
            Arg::F64(v) => a.add(v),
            Arg::Bool(v) => a.add(v),
            Arg::Text(v) => a.add(v),
            Arg::Bytes(v) => a.add(v),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(a)
}

fn lite_args(args: Vec<Arg>) -> Result<SqliteArguments<'static>, sqlx::Error> {
    build_args(args)
}

fn pg_args(args: Vec<Arg>) -> Result<PgArguments, sqlx::Error> {
    build_args(args)
}

/// SQLite's placeholders as PostgreSQL's: `?N` becomes `$N`, and each bare
/// `?` the next number. Text in quotes is left alone.
pub fn pg_sql(sql: &str) -> Cow<'_, str> {
    if !sql.contains('?') {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len() + 16);
    let mut next = 0;
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                if digits.is_empty() {
                    next += 1;
                    out.push_str(&format!("${next}"));
                } else {
                    out.push('$');
                    out.push_str(&digits);
                }
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A row type readable from either backend.
pub trait Row: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}

/// What a statement did.
#[derive(Clone, Copy, Debug)]
pub struct Done {
    rows: u64,
}

impl Done {
    pub fn rows_affected(&self) -> u64 {
        self.rows
    }
}

/// A statement and its arguments (`db::query`).
#[must_use = "a query does nothing until it is executed"]
pub struct Query<'q> {
    sql: &'q str,
    args: Vec<Arg>,
}

pub fn query(sql: &str) -> Query<'_> {
    Query { sql, args: Vec::new() }
}

/// A statement whose rows are read as `T` (`db::query_as`).
#[must_use = "a query does nothing until it is fetched"]
pub struct QueryAs<'q, T> {
    q: Query<'q>,
    t: PhantomData<fn() -> T>,
}

pub fn query_as<T>(sql: &str) -> QueryAs<'_, T> {
    QueryAs { q: query(sql), t: PhantomData }
}

/// A statement whose rows are one value each (`db::query_scalar`).
#[must_use = "a query does nothing until it is fetched"]
pub struct QueryScalar<'q, T> {
    q: QueryAs<'q, (T,)>,
}

pub fn query_scalar<T>(sql: &str) -> QueryScalar<'_, T> {
    QueryScalar { q: query_as(sql) }
}

impl<'q> Query<'q> {
    pub fn bind(mut self, v: impl IntoArg) -> Self {
        self.args.push(v.into_arg());
        self
    }

    /// Binds an argument prepared elsewhere (a filter translated to SQL).
    pub fn bind_arg(mut self, v: Arg) -> Self {
        self.args.push(v);
        self
    }

    pub async fn execute<'c>(self, c: impl Into<Via<'c>>) -> Result<Done, sqlx::Error> {
        let rows = on!(c, |raw| match raw {
            Raw::Lite(c) => sqlx::query_with(self.sql, lite_args(self.args)?).execute(c).await?.rows_affected(),
            Raw::Pg(c) => sqlx::query_with(&pg_sql(self.sql), pg_args(self.args)?).execute(c).await?.rows_affected(),
        });
        Ok(Done { rows })
    }
}

impl Query<'_> {
    /// The first row's values, each read as an integer or else as text: a
    /// keyset cursor reads its row's sort key and binds it back.
    pub async fn fetch_optional_args<'c>(self, c: impl Into<Via<'c>>) -> Result<Option<Vec<Arg>>, sqlx::Error> {
        Ok(on!(c, |raw| match raw {
            Raw::Lite(c) => {
                sqlx::query_with(self.sql, lite_args(self.args)?).fetch_optional(c).await?.as_ref().map(row_args)
            }
            Raw::Pg(c) => {
                sqlx::query_with(&pg_sql(self.sql), pg_args(self.args)?).fetch_optional(c).await?.as_ref().map(row_args)
            }
        }))
    }
}

/// A row's values, each read as an integer or else as text.
fn row_args<R: sqlx::Row>(r: &R) -> Vec<Arg>
where
    usize: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    (0..r.len())
        .map(|i| match r.try_get::<i64, _>(i) {
            Ok(n) => Arg::I64(Some(n)),
            Err(_) => Arg::Text(r.try_get::<String, _>(i).ok()),
        })
        .collect()
}

impl<'q, T: Row> QueryAs<'q, T> {
    pub fn bind(mut self, v: impl IntoArg) -> Self {
        self.q = self.q.bind(v);
        self
    }

    pub fn bind_arg(mut self, v: Arg) -> Self {
        self.q = self.q.bind_arg(v);
        self
    }

    pub async fn fetch_all<'c>(self, c: impl Into<Via<'c>>) -> Result<Vec<T>, sqlx::Error> {
        let Query { sql, args } = self.q;
        on!(c, |raw| match raw {
            Raw::Lite(c) => sqlx::query_as_with(sql, lite_args(args)?).fetch_all(c).await,
            Raw::Pg(c) => sqlx::query_as_with(&pg_sql(sql), pg_args(args)?).fetch_all(c).await,
        })
    }

    pub async fn fetch_optional<'c>(self, c: impl Into<Via<'c>>) -> Result<Option<T>, sqlx::Error> {
        let Query { sql, args } = self.q;
        on!(c, |raw| match raw {
            Raw::Lite(c) => sqlx::query_as_with(sql, lite_args(args)?).fetch_optional(c).await,
            Raw::Pg(c) => sqlx::query_as_with(&pg_sql(sql), pg_args(args)?).fetch_optional(c).await,
        })
    }

    pub async fn fetch_one<'c>(self, c: impl Into<Via<'c>>) -> Result<T, sqlx::Error> {
        self.fetch_optional(c).await?.ok_or(sqlx::Error::RowNotFound)
    }
}

impl<'q, T> QueryScalar<'q, T>
where
    (T,): Row,
{
    pub fn bind(mut self, v: impl IntoArg) -> Self {
        self.q = self.q.bind(v);
        self
    }

    pub fn bind_arg(mut self, v: Arg) -> Self {
        self.q = self.q.bind_arg(v);
        self
    }

    pub async fn fetch_all<'c>(self, c: impl Into<Via<'c>>) -> Result<Vec<T>, sqlx::Error> {
        Ok(self.q.fetch_all(c).await?.into_iter().map(|(v,)| v).collect())
    }

    pub async fn fetch_optional<'c>(self, c: impl Into<Via<'c>>) -> Result<Option<T>, sqlx::Error> {
        Ok(self.q.fetch_optional(c).await?.map(|(v,)| v))
    }

    pub async fn fetch_one<'c>(self, c: impl Into<Via<'c>>) -> Result<T, sqlx::Error> {
        Ok(self.q.fetch_one(c).await?.0)
    }
}

/// A transaction of either backend; nested in another, a savepoint.
/// Dropped without `commit`, it rolls back.
pub enum Tx<'c> {
    Lite(sqlx::Transaction<'c, sqlx::Sqlite>),
    Pg(sqlx::Transaction<'c, sqlx::Postgres>),
}

impl Tx<'_> {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        #[allow(clippy::disallowed_methods)] // callers reach this through WriteTx or a savepoint
        match self {
            Tx::Lite(t) => t.commit().await,
            Tx::Pg(t) => t.commit().await,
        }
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Lite(t) => t.rollback().await,
            Tx::Pg(t) => t.rollback().await,
        }
    }
}

impl Conn for Tx<'_> {
    fn raw(&mut self) -> Raw<'_> {
        match self {
            Tx::Lite(t) => Raw::Lite(t),
            Tx::Pg(t) => Raw::Pg(t),
        }
    }
}

/// A savepoint inside the transaction `c` is in (a transaction if none).
pub async fn begin<'c>(c: &'c mut (dyn Conn + '_)) -> Result<Tx<'c>, sqlx::Error> {
    use sqlx::Connection;
    Ok(match c.raw() {
        Raw::Lite(c) => Tx::Lite(c.begin().await?),
        Raw::Pg(c) => Tx::Pg(c.begin().await?),
    })
}

#[cfg(test)]
mod tests {
    use super::pg_sql;

    #[test]
    fn placeholders_are_numbered_for_postgres() {
        assert_eq!(pg_sql("SELECT 1"), "SELECT 1");
        assert_eq!(pg_sql("a = ? AND b = ?"), "a = $1 AND b = $2");
        assert_eq!(pg_sql("?1 = '' OR x = ?1 OR y = ?12"), "$1 = '' OR x = $1 OR y = $12");
        assert_eq!(pg_sql("x = 'why?' AND y = ?"), "x = 'why?' AND y = $1");
    }
}
