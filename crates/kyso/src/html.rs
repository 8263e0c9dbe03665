//! What kyso's self-contained HTML pages share (the inbox report, the certificate inventory):
//! escaping, the style sheet, the Content-Security-Policy that forbids every request, and the
//! one script that sorts a table's rows by a rank and back to their order.

/// Text for HTML (element content and quoted attributes).
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Findings as a list, each in its severity's colour, Vietnamese then English, with its code.
pub(crate) fn reasons(out: &mut String, reasons: &[kyso_policy::reason::Reason]) {
    if reasons.is_empty() {
        return;
    }
    out.push_str("<ul class=\"reasons\">");
    for r in reasons {
        let severity = match r.severity {
            kyso_policy::Severity::Error => "error",
            kyso_policy::Severity::Warning => "warning",
            _ => "info",
        };
        let _ = std::fmt::Write::write_fmt(
            out,
            format_args!(
                "<li class=\"{severity}\">{} <span class=\"en\">{}</span> <code>{}</code></li>",
                esc(&r.vi),
                esc(&r.en),
                esc(&r.code)
            ),
        );
    }
    out.push_str("</ul>");
}

/// A whole page: `title` (already escaped) in the head, `body` as given, the style and the
/// sorting script inline, and a policy under which the page can fetch nothing at all.
pub(crate) fn page(title: &str, body: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>{title}</title>
<style>{STYLE}</style>
</head>
<body>
{body}<script>{SCRIPT}</script>
</body>
</html>
"#
    )
}

const STYLE: &str = "body{font-family:system-ui,'Segoe UI',Roboto,'Noto Sans',sans-serif;margin:1.5rem;color:#1b1f24}\
h1{font-size:1.3rem}.en{color:#5a6470;font-size:.85em}.meta{color:#5a6470}\
.summary span{font-weight:600}table{border-collapse:collapse;width:100%}\
th,td{border:1px solid #d0d7de;padding:.5rem;vertical-align:top;text-align:left}\
th button{font:inherit;font-weight:700;background:none;border:0;cursor:pointer;text-align:left}\
td.v{font-weight:700;white-space:nowrap;width:10rem}.valid{color:#116329}.invalid{color:#b3261e}\
.indet{color:#9a6700}.unsigned{color:#5a6470}td.v.valid{background:#e6f4ea}td.v.invalid{background:#fde7e9}\
td.v.indet{background:#fff4ce}td.v.unsigned{background:#eef1f4}.path{color:#5a6470;font-size:.8em;word-break:break-all}\
.sig{margin-bottom:.6rem}.sig p{margin:.2rem 0}dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.2rem 0}\
dt{color:#5a6470}dd{margin:0}ul.reasons{margin:.2rem 0;padding-left:1.2rem}li.error{color:#b3261e}\
li.warning{color:#9a6700}code{font-size:.8em;color:#5a6470}\
.pkg{border-left:3px solid #0969da;padding-left:.5rem;margin-bottom:.4rem}.att{margin-left:1rem;border-left:2px solid #d0d7de;padding-left:.5rem}\
td.n{text-align:right;white-space:nowrap}";

/// The button `#by-verdict` sorts the rows of `table.sortable` by `data-verdict` (lowest first),
/// then back to `data-order`, on each click.
const SCRIPT: &str = "(function(){var b=document.getElementById('by-verdict'),t=document.querySelector('table.sortable tbody'),v=false;\
if(b&&t){b.addEventListener('click',function(){v=!v;var r=Array.prototype.slice.call(t.rows);\
r.sort(function(x,y){var k=v?x.dataset.verdict-y.dataset.verdict:0;return k||x.dataset.order-y.dataset.order;});\
r.forEach(function(x){t.appendChild(x);});});}document.body.dataset.ready='1';})();";

#[cfg(test)]
mod tests {
    #[test]
    fn text_is_escaped() {
        assert_eq!(
            super::esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
