//! The certificate inventory (quy chế Art. 10.4) as one self-contained HTML page, the form the
//! inbox report has: the reporting unit and time, counts by state, one row per certificate
//! (holder, title, organisation, where it is kept, serial, issuer, validity, days left, state in
//! colour) sortable by state, and the findings; Vietnamese first, English beside.

use std::fmt::Write as _;

use kyso_policy::expiry::ExpiryState;
use kyso_policy::time::vn_date_time_from_rfc3339;

use crate::html::{esc, reasons};
use crate::inventory::Inventory;

/// Sort rank (what needs attention first) and CSS class of a state.
fn state_class(state: ExpiryState) -> (u8, &'static str) {
    match state {
        ExpiryState::Expired => (0, "invalid"),
        ExpiryState::NotYetValid => (1, "indet"),
        ExpiryState::Valid => (3, "valid"),
        _ => (2, "indet"),
    }
}

/// `2030-01-01T00:00:00Z` as `01/01/2030`.
fn vn_date(rfc3339: &str) -> String {
    match (rfc3339.get(0..4), rfc3339.get(5..7), rfc3339.get(8..10)) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => rfc3339.to_owned(),
    }
}

/// The page.
pub fn inventory_html(inv: &Inventory) -> String {
    let mut rows = String::new();
    for (i, e) in inv.entries.iter().enumerate() {
        let (rank, class) = state_class(e.state);
        let (vi, en) = e.state.labels();
        let holder = e.common_name.clone().unwrap_or_else(|| e.subject.clone());
        let place = if e.location == "token" {
            let serial = e.token_serial.as_deref().unwrap_or_default();
            let label = e.key_label.as_deref().unwrap_or_default();
            format!(
                "thiết bị <span class=\"en\">token</span> {} · sê-ri {} · khóa {}",
                esc(&e.source),
                esc(serial),
                esc(label)
            )
        } else {
            format!("tệp <span class=\"en\">file</span> {}", esc(&e.source))
        };
        let _ = writeln!(
            rows,
            "<tr data-verdict=\"{rank}\" data-order=\"{i}\"><td class=\"n\">{}</td><td class=\"v {class}\">{vi}<br><span class=\"en\">{en}</span></td>\
<td><b>{}</b><div>{}</div><div>{}</div><div class=\"en\">{}</div></td><td>{place}</td><td><code>{}</code><div class=\"path\">{}</div></td>\
<td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
            i + 1,
            esc(&holder),
            esc(e.title.as_deref().unwrap_or_default()),
            esc(e.organization.as_deref().unwrap_or_default()),
            esc(e.subscriber_label()),
            esc(&e.serial),
            esc(&e.issuer),
            esc(&vn_date(&e.not_before)),
            esc(&vn_date(&e.not_after)),
            e.days_left,
        );
    }
    let s = &inv.summary;
    let mut findings = String::new();
    if !inv.reasons.is_empty() {
        findings.push_str("<h2>Cần lưu ý <span class=\"en\">Needs attention</span></h2>");
        reasons(&mut findings, &inv.reasons);
    }
    let body = format!(
        r#"<h1>Danh mục chứng thư số chuyên dùng công vụ <span class="en">Public-service certificate inventory</span></h1>
<p class="meta">Đơn vị / Unit: <b>{}</b> · Tình trạng tại / As of: {} · Cảnh báo trước / Warning period: {} ngày / days · kyso {}</p>
<p class="summary"><span class="valid">Còn hiệu lực / Valid: {}</span> · <span class="indet">Sắp hết hạn / Expiring soon: {}</span> · <span class="invalid">Đã hết hạn / Expired: {}</span> · <span class="indet">Chưa có hiệu lực / Not yet valid: {}</span> · Tổng số / Total: {}</p>
<table id="inventory" class="sortable">
<thead><tr><th>STT <span class="en">No.</span></th><th><button id="by-verdict" type="button">Tình trạng ⇅<br><span class="en">State</span></button></th><th>Chủ thể <span class="en">Holder</span></th><th>Nơi lưu <span class="en">Kept on</span></th><th>Số hiệu, đơn vị cấp <span class="en">Serial, issuer</span></th><th>Hiệu lực từ <span class="en">Valid from</span></th><th>Hiệu lực đến <span class="en">Valid until</span></th><th>Còn lại (ngày) <span class="en">Days left</span></th></tr></thead>
<tbody>
{rows}</tbody>
</table>
{findings}
"#,
        esc(inv.unit.as_deref().unwrap_or("—")),
        esc(&vn_date_time_from_rfc3339(&inv.generated_at)),
        inv.warn_days,
        env!("CARGO_PKG_VERSION"),
        s.valid,
        s.expiring_soon,
        s.expired,
        s.not_yet_valid,
        s.total,
    );
    crate::html::page("Danh mục chứng thư số — Certificate inventory", &body)
}
