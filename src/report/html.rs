//! Renders [`ReportData`] as one HTML page: inline CSS, inline SVG bar
//! charts, no scripts and nothing fetched. Numbers a test reads carry `id`s
//! (`total-ok`) or `data-` attributes (`data-encoding="GBK"`).

use std::fmt::Write as _;

use super::{MAX_ROWS, ReportData};

/// Width of a chart's bar area in pixels; labels take [`LABEL_WIDTH`] more.
const BAR_WIDTH: f64 = 420.0;
const LABEL_WIDTH: usize = 190;
/// Height of one bar's row in pixels.
const ROW_HEIGHT: usize = 22;

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}\
h1{margin-bottom:.2em}h2{margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}\
table{border-collapse:collapse;margin:.5em 0}td,th{padding:.25em .7em;border-bottom:1px solid #eee;text-align:left;vertical-align:top}\
td.n{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#777}\
.totals td{font-size:1.2em}code,.ex{font-family:ui-monospace,monospace;font-size:.92em}\
.ex{background:#fff4e5;padding:0 .3em;display:block;white-space:pre-wrap}\
.grid{display:grid;grid-template-columns:1fr 1fr;gap:1em}svg text{font:12px system-ui,sans-serif}";

/// Escapes text for HTML content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Shown visibly, so a lost character is seen as one.
            '\u{FFFD}' => out.push_str("<mark>\u{FFFD}</mark>"),
            c => out.push(c),
        }
    }
    out
}

/// A horizontal bar chart of `rows` (label, value), in SVG.
fn bar_chart(rows: &[(String, u64)], colour: &str) -> String {
    let rows: Vec<(String, f64, String)> = rows
        .iter()
        .map(|(label, n)| (label.clone(), *n as f64, n.to_string()))
        .collect();
    labelled_bar_chart(&rows, colour)
}

/// A horizontal bar chart of `rows` (label, value, value as shown), in SVG.
fn labelled_bar_chart(rows: &[(String, f64, String)], colour: &str) -> String {
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max);
    let max = if max > 0.0 { max } else { 1.0 };
    let height = rows.len() * ROW_HEIGHT + 4;
    let width = LABEL_WIDTH + BAR_WIDTH as usize + 80;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" style=\"max-width:100%;height:auto\" role=\"img\">"
    );
    for (i, (label, value, shown_value)) in rows.iter().enumerate() {
        let y = i * ROW_HEIGHT;
        let w = (value / max * BAR_WIDTH).max(1.0);
        let shown: String = label.chars().take(28).collect();
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{LABEL_WIDTH}\" y=\"{}\" width=\"{w:.1}\" height=\"{}\" fill=\"{colour}\"/>\
             <text x=\"{:.1}\" y=\"{}\">{}</text>",
            LABEL_WIDTH - 6,
            y + 15,
            esc(&shown),
            y + 3,
            ROW_HEIGHT - 6,
            LABEL_WIDTH as f64 + w + 5.0,
            y + 15,
            esc(shown_value),
        );
    }
    svg.push_str("</svg>");
    svg
}

fn mb(bytes: u64) -> String {
    format!("{:.2} MB", bytes as f64 / 1e6)
}

/// "Showing N of M" when a list was cut.
fn cut_note(shown: usize, total: usize) -> String {
    if total > shown {
        format!("<p class=\"muted\">The first {shown} of {total}; the manifest lists all.</p>")
    } else {
        String::new()
    }
}

/// The whole page.
pub fn render(d: &ReportData) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>canon report</title><style>{STYLE}</style></head><body><h1>canon report</h1>"
    );
    run_section(&mut h, d);
    totals_section(&mut h, d);
    h.push_str("<div class=\"grid\">");
    counts_block(&mut h, "Encodings", "encoding", &d.encodings, "#4a7fb5");
    counts_block(&mut h, "Scripts", "script", &d.scripts, "#6a9f58");
    h.push_str("</div>");
    edits_section(&mut h, d);
    times_section(&mut h, d);
    damage_section(&mut h, d);
    clusters_section(&mut h, d);
    boilerplate_section(&mut h, d);
    h.push_str("</body></html>\n");
    h
}

/// A titled bar chart and table of documents per `what` (encoding,
/// script); each count carries `data-<what>="<name>"`.
fn counts_block(h: &mut String, title: &str, what: &str, rows: &[(String, usize)], colour: &str) {
    let _ = write!(h, "<div><h2>{title}</h2>");
    let bars: Vec<(String, u64)> = rows.iter().map(|(k, n)| (k.clone(), *n as u64)).collect();
    h.push_str(&bar_chart(&bars, colour));
    let _ = write!(h, "<table><tr><th>{what}</th><th>documents</th></tr>");
    for (name, n) in rows {
        let name = esc(name);
        let _ = write!(
            h,
            "<tr><td>{name}</td><td class=\"n\" data-{what}=\"{name}\">{n}</td></tr>"
        );
    }
    h.push_str("</table></div>");
}

fn run_section(h: &mut String, d: &ReportData) {
    let Some(run) = &d.run else {
        h.push_str("<p class=\"muted\">No run.json: the run's options and times are unknown.</p>");
        return;
    };
    let _ = write!(
        h,
        "<p>canon {} · inputs <code>{}</code> · started {} · ended {} · status {}</p>",
        esc(&run.canon_version),
        esc(&run.inputs.join(" ")),
        esc(&run.started),
        esc(run.ended.as_deref().unwrap_or("—")),
        serde_json::to_string(&run.status)
            .unwrap_or_default()
            .trim_matches('"'),
    );
    if let Ok(options) = serde_json::to_string(&run.options) {
        let _ = write!(
            h,
            "<p class=\"muted\">options: <code>{}</code></p>",
            esc(&options)
        );
    }
}

fn totals_section(h: &mut String, d: &ReportData) {
    h.push_str("<h2>Totals</h2><table class=\"totals\"><tr>");
    let mut cells: Vec<(String, String, String)> =
        vec![("files".into(), "files".into(), d.files.to_string())];
    for status in ["ok", "duplicate", "skipped", "error"] {
        let n = d.by_status.get(status).copied().unwrap_or(0);
        cells.push((status.into(), status.into(), n.to_string()));
    }
    cells.push(("bytes-in".into(), "in".into(), mb(d.bytes_in)));
    cells.push(("bytes-out".into(), "out".into(), mb(d.bytes_out)));
    if let Some(counts) = d.run.as_ref().and_then(|r| r.counts.as_ref()) {
        cells.push((
            "seconds".into(),
            "time".into(),
            format!("{:.2} s", counts.elapsed_seconds),
        ));
    }
    for (_, label, _) in &cells {
        let _ = write!(h, "<th>{label}</th>");
    }
    h.push_str("</tr><tr>");
    for (id, _, value) in &cells {
        let _ = write!(h, "<td class=\"n\" id=\"total-{id}\">{value}</td>");
    }
    h.push_str("</tr></table>");
}

/// Seconds per stage from `run.json`, as a chart and a table whose times
/// carry `data-stage-time="<stage>"`.
fn times_section(h: &mut String, d: &ReportData) {
    h.push_str("<h2>Time per stage</h2>");
    let Some(t) = d.run.as_ref().and_then(|r| r.timings.as_ref()) else {
        h.push_str(
            "<p class=\"muted\" id=\"stage-times-missing\">No time per stage: there is no \
             run.json, or its run did not finish or predates stage timing.</p>",
        );
        return;
    };
    let stages = t.in_order();
    let total: f64 = stages.iter().map(|s| s.1).sum();
    let rows: Vec<(String, f64, String)> = stages
        .iter()
        .map(|(s, secs)| (s.name().to_string(), *secs, format!("{secs:.3} s")))
        .collect();
    h.push_str(&labelled_bar_chart(&rows, "#8a6bb5"));
    h.push_str("<table><tr><th>stage</th><th>seconds</th><th>share</th></tr>");
    let share = |secs: f64| {
        if total > 0.0 {
            format!("{:.1} %", secs / total * 100.0)
        } else {
            "—".into()
        }
    };
    for (stage, secs) in &stages {
        let _ = write!(
            h,
            "<tr><td>{stage}</td><td class=\"n\" data-stage-time=\"{stage}\">{secs:.6}</td>\
             <td class=\"n\">{}</td></tr>",
            share(*secs)
        );
    }
    for (part, secs) in [
        ("repeats within documents", t.dedup.repeats),
        ("signatures", t.dedup.signatures),
        ("duplicate and boilerplate decision", t.dedup.decision),
    ] {
        let _ = write!(
            h,
            "<tr class=\"muted\"><td>dedup: {part}</td><td class=\"n\">{secs:.6}</td>\
             <td class=\"n\">{}</td></tr>",
            share(secs)
        );
    }
    let _ = write!(
        h,
        "</table><p class=\"muted\">Time inside each stage, summed over documents, passes \
         and {} worker thread(s), so it can exceed the run's {:.2} s on the clock; reading, \
         hashing and writing files are in no stage.</p>",
        t.jobs, t.wall_seconds
    );
}

fn edits_section(h: &mut String, d: &ReportData) {
    h.push_str("<h2>Edits per stage</h2>");
    let mut per_stage: Vec<(String, u64)> = Vec::new();
    for ((stage, _), n) in &d.edits {
        match per_stage.iter_mut().find(|(s, _)| s == stage) {
            Some((_, total)) => *total += n,
            None => per_stage.push((stage.clone(), *n)),
        }
    }
    h.push_str(&bar_chart(&per_stage, "#b5804a"));
    h.push_str("<table><tr><th>stage</th><th>kind</th><th>count</th></tr>");
    for ((stage, kind), n) in &d.edits {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"n\" data-edit=\"{}.{}\">{n}</td></tr>",
            esc(stage),
            esc(kind),
            esc(stage),
            esc(kind)
        );
    }
    h.push_str("</table>");
    if !d.warnings.is_empty() {
        h.push_str("<h2>Warnings</h2><table><tr><th>kind</th><th>documents</th></tr>");
        for (kind, n) in &d.warnings {
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=\"n\" data-warning=\"{}\">{n}</td></tr>",
                esc(kind),
                esc(kind)
            );
        }
        h.push_str("</table>");
    }
}

fn damage_section(h: &mut String, d: &ReportData) {
    let _ = write!(
        h,
        "<h2>Documents with lost or unrepaired characters: <span id=\"damaged-total\">{}</span></h2>",
        d.damaged_total
    );
    if d.damaged.is_empty() {
        h.push_str("<p class=\"muted\">None.</p>");
        return;
    }
    h.push_str("<table><tr><th>document</th><th>warnings</th><th>excerpts of the output</th></tr>");
    for doc in &d.damaged {
        let excerpts: String = doc
            .excerpts
            .iter()
            .map(|e| format!("<span class=\"ex\">{}</span>", esc(e)))
            .collect();
        let _ = write!(
            h,
            "<tr><td><code>{}</code></td><td>{}</td><td>{excerpts}</td></tr>",
            esc(&doc.path),
            esc(&doc.warnings.join("; "))
        );
    }
    h.push_str("</table>");
    h.push_str(&cut_note(d.damaged.len(), d.damaged_total));
}

fn clusters_section(h: &mut String, d: &ReportData) {
    let _ = write!(
        h,
        "<h2>Largest duplicate clusters: <span id=\"clusters-total\">{}</span></h2>\
         <p class=\"muted\">From {}.</p>",
        d.clusters_total, d.clusters_source
    );
    if d.clusters.is_empty() {
        h.push_str("<p class=\"muted\">No duplicates.</p>");
        return;
    }
    h.push_str(
        "<table><tr><th>survivor</th><th>copies</th><th>duplicates (similarity, rule)</th></tr>",
    );
    for c in &d.clusters {
        let members: Vec<String> = c
            .members
            .iter()
            .take(MAX_ROWS)
            .map(|m| {
                format!(
                    "<code>{}</code> ({}, {})",
                    esc(&m.path),
                    m.similarity.map_or("—".into(), |s| format!("{s:.3}")),
                    esc(m.rule.as_deref().unwrap_or("—"))
                )
            })
            .collect();
        let _ = write!(
            h,
            "<tr><td><code>{}</code></td><td class=\"n\" data-cluster=\"{}\">{}</td><td>{}</td></tr>",
            esc(&c.survivor),
            esc(&c.survivor),
            c.members.len(),
            members.join("<br>")
        );
    }
    h.push_str("</table>");
    h.push_str(&cut_note(d.clusters.len(), d.clusters_total));
}

fn boilerplate_section(h: &mut String, d: &ReportData) {
    let _ = write!(
        h,
        "<h2>Boilerplate lines</h2><p>Lines found at the head or tail of many documents: \
         <span id=\"boilerplate-counted\">{}</span> occurrences in the manifest.</p>",
        d.boilerplate_counted
    );
    if d.boilerplate.is_empty() {
        h.push_str(
            "<p class=\"muted\">None to quote (none found, or removed with --remove-boilerplate).</p>",
        );
        return;
    }
    h.push_str("<table><tr><th>line</th><th>documents</th></tr>");
    for b in &d.boilerplate {
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
            esc(&b.line),
            b.documents
        );
    }
    h.push_str("</table>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_the_page_loads_nothing() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        let d = ReportData {
            encodings: vec![("<script>".into(), 2)],
            ..ReportData::default()
        };
        let page = render(&d);
        assert!(
            !page.contains("<script"),
            "no scripts, not even injected ones"
        );
        assert!(!page.contains("src="), "nothing fetched");
        // The only address is the SVG namespace, which is never fetched.
        assert_eq!(
            page.matches("http").count(),
            page.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
        );
        assert!(
            page.contains("data-encoding=\"&lt;script&gt;\">2<"),
            "{page}"
        );
    }

    #[test]
    fn bars_scale_to_the_largest_value() {
        let svg = bar_chart(&[("a".into(), 10), ("b".into(), 5)], "#000");
        assert!(svg.contains(&format!("width=\"{BAR_WIDTH:.1}\"")), "{svg}");
        assert!(
            svg.contains(&format!("width=\"{:.1}\"", BAR_WIDTH / 2.0)),
            "{svg}"
        );
    }
}
