//! Charts drawn as SVG on the server: stacked bars of allowed, refused and
//! other calls per bucket. No chart library in the browser: the page
//! receives the SVG text and the numbers for its table.
use super::{CallCounts, Chart, Series};
use std::fmt::Write;

// Drawn about as wide as it is shown (half a page), so that the labels'
// 10 units stay near 10 px.
const W: i64 = 360;
const H: i64 = 150;
/// Room for the axis labels: left for counts, bottom for times.
const LEFT: i64 = 34;
const BOTTOM: i64 = 18;
const TOP: i64 = 8;

/// How a bucket's start is labelled under the axis.
#[derive(Clone, Copy)]
pub enum Labels {
    /// "14:00", every 6th bucket (hours).
    Hours,
    /// "12-03" (month-day), every 5th bucket (days).
    Days,
}

fn label(t: i64, l: Labels) -> String {
    match l {
        Labels::Hours => format!("{:02}:00", t.rem_euclid(86_400) / 3600),
        Labels::Days => crate::components::format_date(t)[5..].to_string(),
    }
}

/// A round axis maximum at or above `max`: 2, 4, 10 × 10ⁿ, so the middle
/// gridline (half of it) is a whole, round number too (an axis of 1 or 5
/// would label its middle 0 or 2).
fn nice_max(max: i64) -> i64 {
    let mut step = 1;
    loop {
        for m in [2, 4, 10] {
            if m * step >= max {
                return m * step;
            }
        }
        step *= 10;
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The chart of a series; each bar's tooltip gives its bucket and counts.
pub fn bars(series: Series, labels: Labels) -> Chart {
    let n = series.points.len().max(1) as i64;
    let max = nice_max(series.points.iter().map(|(_, c)| c.total()).max().unwrap_or(0).max(1));
    let plot_w = W - LEFT - 4;
    let plot_h = H - TOP - BOTTOM;
    let slot = plot_w as f64 / n as f64;
    let bar_w = (slot * 0.8).max(1.0);
    let mut svg = String::new();
    // Colours are attributes, not inline styles (the page's CSP refuses those);
    // the style sheet may override them by class.
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" class="chart" aria-hidden="true" focusable="false">"##
    );
    for (i, v) in [(0, max), (1, max / 2), (2, 0)] {
        let y = TOP + plot_h * i / 2;
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" x2="{}" y1="{y}" y2="{y}" class="grid" stroke="#d0d5dd" stroke-width="1"/><text x="{}" y="{}" class="axis" text-anchor="end" font-size="10" fill="#667085">{v}</text>"##,
            W - 4,
            LEFT - 6,
            y + 4
        );
    }
    let every = match labels {
        Labels::Hours => 6,
        Labels::Days => 5,
    };
    for (i, (t, c)) in series.points.iter().enumerate() {
        let x = LEFT as f64 + slot * i as f64 + (slot - bar_w) / 2.0;
        let mut base = (TOP + plot_h) as f64;
        let title =
            format!("{}: {} allowed, {} refused, {} other", esc(&label(*t, labels)), c.success, c.blocked, c.other);
        let _ = write!(svg, "<g><title>{title}</title>");
        for (v, class, fill) in
            [(c.success, "ok", "#2e7d32"), (c.blocked, "refused", "#c62828"), (c.other, "other", "#98a2b3")]
        {
            if v == 0 {
                continue;
            }
            let h = v as f64 * plot_h as f64 / max as f64;
            base -= h;
            let _ = write!(
                svg,
                r##"<rect x="{x:.1}" y="{base:.1}" width="{bar_w:.1}" height="{h:.1}" class="bar-{class}" fill="{fill}"/>"##
            );
        }
        svg.push_str("</g>");
        if i % every == 0 {
            let _ = write!(
                svg,
                r##"<text x="{:.1}" y="{}" class="axis" font-size="10" fill="#667085">{}</text>"##,
                x,
                H - 6,
                esc(&label(*t, labels))
            );
        }
    }
    svg.push_str("</svg>");
    Chart { svg, series }
}

/// The buckets from `from` (a bucket start) every `step` seconds, `n` of
/// them, with the counts found (missing buckets are zero).
pub fn fill(from: i64, step: i64, n: usize, found: &[(i64, CallCounts)]) -> Series {
    let points = (0..n as i64)
        .map(|i| {
            let t = from + i * step;
            (t, found.iter().find(|(k, _)| *k == t).map(|(_, c)| *c).unwrap_or_default())
        })
        .collect();
    Series { step, points }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_as_tall_as_their_share_of_the_axis() {
        let c = |success, blocked| CallCounts { success, blocked, ..Default::default() };
        let s = fill(0, 3600, 24, &[(3600, c(50, 50)), (7200, c(0, 0))]);
        assert_eq!(s.points.len(), 24);
        let chart = bars(s, Labels::Hours);
        assert_eq!(nice_max(100), 100);
        assert_eq!(nice_max(101), 200);
        assert_eq!(nice_max(7), 10);
        assert_eq!(nice_max(1), 2, "no calls: an axis of 0, 1, 2");
        assert_eq!(nice_max(5), 10, "not 5, whose middle is not whole");
        // 124 units of plot: 50 of 100 calls is 62, the refused stacked above.
        assert!(chart.svg.contains(r#"height="62.0" class="bar-ok""#), "{}", chart.svg);
        assert!(chart.svg.contains(r#"height="62.0" class="bar-refused""#));
        assert_eq!(chart.svg.matches("<rect").count(), 2, "empty buckets draw nothing");
        assert!(chart.svg.contains(">01:00: 50 allowed, 50 refused, 0 other</title>"));
    }
}
