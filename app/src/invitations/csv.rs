//! Reading a pasted or uploaded CSV of developers to invite: email, first
//! name, last name. Accepts comma, semicolon (spreadsheets in Dutch locales
//! write those) or tab, quoted fields, and an optional header row that may
//! name the columns in any order.
use serde::{Deserialize, Serialize};

/// The most rows one import takes.
pub const MAX_ROWS: usize = 10_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvRow {
    /// 1-based line in the text, for messages.
    pub line: usize,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
}

/// Splits one line into fields (RFC 4180 quoting, on one line).
fn fields(line: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' if quoted => quoted = false,
            '"' if cur.trim().is_empty() => {
                cur.clear();
                quoted = true;
            }
            c if c == sep && !quoted => out.push(std::mem::take(&mut cur).trim().to_string()),
            c => cur.push(c),
        }
    }
    out.push(cur.trim().to_string());
    out
}

fn separator(first_line: &str) -> char {
    [';', '\t', ',']
        .into_iter()
        .max_by_key(|s| first_line.matches(*s).count())
        .filter(|s| first_line.contains(*s))
        .unwrap_or(',')
}

/// Which column holds what, from a header row (None if the line is data).
fn header_columns(cells: &[String]) -> Option<[usize; 3]> {
    let norm: Vec<String> =
        cells.iter().map(|c| c.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect()).collect();
    let find = |names: &[&str]| norm.iter().position(|c| names.contains(&c.as_str()));
    let email = find(&["email", "emailaddress", "mail", "emailadres"])?;
    let first = find(&["firstname", "givenname", "first", "voornaam"]).unwrap_or(1);
    let last = find(&["lastname", "surname", "familyname", "last", "achternaam"]).unwrap_or(2);
    Some([email, first, last])
}

/// The rows of the text; a header row, blank lines and a byte-order mark are
/// skipped. Err if there are more than `MAX_ROWS` rows.
pub fn parse(text: &str) -> Result<Vec<CsvRow>, usize> {
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).peekable();
    let Some((_, first)) = lines.peek() else { return Ok(Vec::new()) };
    let sep = separator(first);
    let mut cols = [0, 1, 2];
    if let Some(h) = header_columns(&fields(first, sep)) {
        cols = h;
        lines.next();
    }
    let mut rows = Vec::new();
    for (i, line) in lines {
        let cells = fields(line, sep);
        let get = |k: usize| cells.get(cols[k]).cloned().unwrap_or_default();
        rows.push(CsvRow { line: i + 1, email: get(0), first_name: get(1), last_name: get(2) });
        if rows.len() > MAX_ROWS {
            return Err(MAX_ROWS);
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_rows_with_commas() {
        let rows = parse("ada@example.com,Ada,Lovelace\n\ngrace@example.com, Grace ,Hopper\n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[1],
            CsvRow {
                line: 3,
                email: "grace@example.com".into(),
                first_name: "Grace".into(),
                last_name: "Hopper".into()
            }
        );
    }

    #[test]
    fn a_header_names_columns_in_any_order_and_semicolons_work() {
        let text = "\u{feff}Achternaam;Voornaam;E-mailadres\r\nLovelace;Ada;ada@example.com\r\n\"de Vries, jr.\";\"Jan \"\"JJ\"\"\";jan@example.com\r\n";
        let rows = parse(text).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].email.as_str(), rows[0].first_name.as_str(), rows[0].last_name.as_str()),
            ("ada@example.com", "Ada", "Lovelace")
        );
        assert_eq!(rows[1].last_name, "de Vries, jr.");
        assert_eq!(rows[1].first_name, "Jan \"JJ\"");
        assert_eq!(rows[1].line, 3);
    }

    #[test]
    fn missing_cells_are_empty_and_too_many_rows_are_refused() {
        let rows = parse("ada@example.com").unwrap();
        assert_eq!(rows[0].first_name, "");
        let big = "a@example.com,A,B\n".repeat(MAX_ROWS + 1);
        assert_eq!(parse(&big), Err(MAX_ROWS));
        assert_eq!(parse(&"a@example.com,A,B\n".repeat(MAX_ROWS)).unwrap().len(), MAX_ROWS);
    }
}
