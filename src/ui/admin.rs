//! The admin screen's data, from [`status::collect`] (the same report as the `status`
//! command) and the sync worker's [`SyncStatus`]. Times are local to the first venue and
//! written as digits ("2026-11-19 09:41"), sizes as digits and a unit ("1,5 MiB"): no words
//! are built here.

use super::generated::{AdminInfo, Api, OutboxCount, OutboxState, ParkedRow, VendorRow};
use super::models;
use crate::config::{Language, Venue};
use crate::kiosk::{Kiosk, status};
use crate::store::{OpenReport, OutboxKind, OutboxStatus};
use crate::sync::SyncStatus;
use jiff::Timestamp;
use slint::{ModelRc, VecModel};
use std::rc::Rc;

/// The admin screen re-reads the kiosk's health this often (seconds) while it is shown.
pub const REFRESH_SECONDS: u32 = 10;

pub(super) struct Admin {
    /// The parked row on the discard sheets.
    pub discard: Option<ParkedRow>,
    /// Seconds since the last read.
    pub since_read: u32,
    outbox: Rc<VecModel<OutboxCount>>,
    vendors: Rc<VecModel<VendorRow>>,
    parked: Rc<VecModel<ParkedRow>>,
}

impl Admin {
    pub fn new() -> Admin {
        Admin {
            discard: None,
            since_read: 0,
            outbox: Rc::new(VecModel::default()),
            vendors: Rc::new(VecModel::default()),
            parked: Rc::new(VecModel::default()),
        }
    }

    pub fn attach(&self, api: &Api<'_>) {
        api.set_admin_outbox(ModelRc::from(self.outbox.clone()));
        api.set_admin_vendors(ModelRc::from(self.vendors.clone()));
        api.set_admin_parked(ModelRc::from(self.parked.clone()));
    }

    /// The parked row with this id, as shown.
    pub fn parked(&self, row: i64) -> Option<ParkedRow> {
        use slint::Model;
        self.parked.iter().find(|r| i64::from(r.row) == row)
    }

    /// Reads the kiosk's health and fills the screen.
    pub fn read(
        &mut self,
        api: &Api<'_>,
        kiosk: &Kiosk,
        open: &OpenReport,
        sync: &SyncStatus,
        lang: Language,
    ) {
        self.since_read = 0;
        let report = match status::collect(kiosk, open) {
            Ok(r) => r,
            Err(e) => {
                log::error!("reading the kiosk status: {e}");
                api.set_admin(AdminInfo {
                    db_health: e.to_string().into(),
                    ..api.get_admin()
                });
                return;
            }
        };
        let venue = kiosk.config().venues.first().cloned();
        let at = |t: Timestamp| local(t, venue.as_ref());
        let waiting = report.oldest_waiting.as_ref();
        api.set_admin(AdminInfo {
            kiosk_id: report.kiosk_id.as_str().into(),
            version: report.version.into(),
            config_path: report.config_path.clone().unwrap_or_default().into(),
            clock_trusted: report.clock_doubt.is_none() && sync.clock_doubt.is_none(),
            clock_doubt: report
                .clock_doubt
                .clone()
                .or_else(|| sync.clock_doubt.clone())
                .unwrap_or_default()
                .into(),
            db_health: report.db_health.as_str().into(),
            db_size: bytes(report.db_bytes, lang).into(),
            free_disk: report
                .free_disk_bytes
                .map(|b| bytes(b, lang))
                .unwrap_or_default()
                .into(),
            moved_aside: report.moved_aside.clone().unwrap_or_default().into(),
            has_waiting: waiting.is_some(),
            waiting_since: waiting.map(|r| at(r.created_at)).unwrap_or_default().into(),
            waiting_attempts: waiting.map_or(0, |r| clamp(r.attempts)),
            waiting_error: waiting
                .and_then(|r| r.last_error.clone())
                .unwrap_or_default()
                .into(),
            last_error: sync.last_error.clone().unwrap_or_default().into(),
        });
        let outbox: Vec<OutboxCount> = report
            .outbox
            .iter()
            .map(|(s, n)| OutboxCount {
                state: match s {
                    OutboxStatus::Pending => OutboxState::Pending,
                    OutboxStatus::InFlight => OutboxState::InFlight,
                    OutboxStatus::Parked => OutboxState::Parked,
                    OutboxStatus::Done => OutboxState::Done,
                },
                count: (*n).min(i32::MAX as u64) as i32,
            })
            .collect();
        super::bridge::set_rows(&self.outbox, outbox);
        let config = kiosk.config();
        let vendors: Vec<VendorRow> = report
            .vendors
            .iter()
            .map(|v| VendorRow {
                venue: config
                    .venue(&v.venue)
                    .map_or(v.venue.as_str(), |c| c.name.as_str())
                    .into(),
                last_ok: v.last_ok_at.map(at).unwrap_or_default().into(),
                last_error: v.last_error.clone().unwrap_or_default().into(),
                last_error_at: v.last_error_at.map(at).unwrap_or_default().into(),
            })
            .collect();
        super::bridge::set_rows(&self.vendors, vendors);
        let parked: Vec<ParkedRow> = report
            .parked
            .iter()
            .map(|r| {
                let order = kiosk.store().order(&r.order_id).ok().flatten();
                let name = order
                    .as_ref()
                    .and_then(|o| config.badge(&o.badge).map(|b| b.name.clone()))
                    .or_else(|| order.as_ref().map(|o| o.badge.clone()))
                    .unwrap_or_default();
                let dish = order
                    .as_ref()
                    .map(|o| {
                        o.lines
                            .iter()
                            .map(|l| l.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_else(|| r.order_id.clone());
                ParkedRow {
                    row: r.id.clamp(0, i64::from(i32::MAX)) as i32,
                    is_cancel: r.kind == OutboxKind::Cancel,
                    order_id: r.order_id.as_str().into(),
                    name: name.into(),
                    dish: dish.into(),
                    date: order
                        .as_ref()
                        .map(|o| models::date_parts(o.day))
                        .unwrap_or_default(),
                    attempts: clamp(r.attempts),
                    error: r.last_error.clone().unwrap_or_default().into(),
                }
            })
            .collect();
        super::bridge::set_rows(&self.parked, parked);
    }
}

/// "2026-11-19 09:41" in the venue's time zone (UTC without a venue).
pub fn local(t: Timestamp, venue: Option<&Venue>) -> String {
    match venue {
        Some(v) => v.rules.zoned(t).strftime("%Y-%m-%d %H:%M").to_string(),
        None => t.strftime("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

/// "512 KiB", "1.5 MiB" (en) / "1,5 MiB" (de, pt-BR), "12 GiB".
pub fn bytes(n: u64, lang: Language) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    let text = if value < 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.0}")
    };
    let text = match lang {
        Language::En => text,
        Language::De | Language::PtBr => text.replace('.', ","),
    };
    format!("{text} {}", UNITS[unit])
}

fn clamp(n: u32) -> i32 {
    n.min(i32::MAX as u32) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(bytes(512, Language::En), "512 B");
        assert_eq!(bytes(1536, Language::En), "1.5 KiB");
        assert_eq!(bytes(1536, Language::De), "1,5 KiB");
        assert_eq!(bytes(300 * 1024 * 1024, Language::En), "300 MiB");
        assert_eq!(bytes(12 * 1024 * 1024 * 1024, Language::PtBr), "12 GiB");
    }
}
