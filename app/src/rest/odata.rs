//! The REST layer's view of `$filter`: the neutral query module
//! (`crate::filter`) does the parsing and the SQL; APIM's date format is
//! the REST answer's own.
pub use crate::filter::*;

/// Unix seconds as APIM writes dates: 2024-05-01T12:00:00Z.
pub fn format_date(unix: i64) -> String {
    let secs = unix.rem_euclid(86_400);
    format!("{}T{:02}:{:02}:{:02}Z", crate::components::format_date(unix), secs / 3600, (secs % 3600) / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_written_as_apim_writes_them() {
        assert_eq!(super::format_date(1714566600), "2024-05-01T12:30:00Z");
        assert_eq!(super::parse_date(&super::format_date(1714566600)), Some(1714566600));
    }
}
