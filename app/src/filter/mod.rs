//! The neutral query module: the OData subset APIM's list operations take
//! (`$filter` with `eq`, `ne`, `gt`, `ge`, `lt`, `le`, the functions
//! `contains`, `startswith`, `endswith` (and the older `substringof`),
//! joined by `and`/`or`, with parentheses and `not`), parsed into a tree,
//! checked against the fields an entity allows, and turned into a SQL
//! condition with bound arguments that both backends accept: no text of the
//! request ever becomes SQL. Repositories use it for their lists; the REST
//! layer only reads the query string and formats the answer.
mod parse;
mod sql;

pub use parse::{parse, parse_date, Cmp, Expr, Func, Value, MAX_FILTER_LEN};
pub use sql::{Arg, Field, Kind, ListQuery, SqlWhere, Translator};

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
        assert_eq!(parse_date("2024-13-01"), None);
    }
}
