//! The `$filter` text parsed into a tree (`Expr`), and ISO 8601 dates.
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
