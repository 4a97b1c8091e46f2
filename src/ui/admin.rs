//! The admin screen: its data from [`status::collect`] (the same report as the `status`
//! command) and the sync worker's [`SyncStatus`], and the parked rows an admin retries or
//! discards. It fills the `AdminApi` global (ui/screens/admin.slint) and handles its
//! callbacks. Times are local to the first venue and written as digits ("2026-11-19 09:41"),
//! sizes as digits and a unit ("1,5 MiB"): no words are built here.

use super::context::{Ctx, callback, callback0};
use super::generated::{
    AdminApi, AdminInfo, AppWindow, OutboxCount, OutboxState, ParkedRow, Problem, Screen, Sheet,
    VendorRow,
};
use super::models::{self, count, set_rows};
use crate::config::{Language, Venue};
use crate::kiosk::{Kiosk, KioskError, status};
use crate::store::{OpenReport, OutboxKind, OutboxStatus, SalvageRecord};
use crate::sync::SyncStatus;
use jiff::Timestamp;
use slint::{ComponentHandle, Model, ModelRc, VecModel};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// The admin screen re-reads the kiosk's health this often (seconds) while it is shown.
pub const REFRESH_SECONDS: u32 = 10;

/// The admin screen's controller.
pub(super) struct Admin {
    ctx: Rc<Ctx>,
    /// How the store was opened (a database moved aside shows here).
    open_report: RefCell<OpenReport>,
    /// The parked row on the discard sheets.
    discard: RefCell<Option<ParkedRow>>,
    /// Seconds since the last read.
    since_read: Cell<u32>,
    outbox: Rc<VecModel<OutboxCount>>,
    vendors: Rc<VecModel<VendorRow>>,
    parked: Rc<VecModel<ParkedRow>>,
}

/// What to tell the admin about a refused retry / discard.
fn admin_problem(e: &KioskError) -> Problem {
    match e {
        KioskError::NoSuchOrder => Problem::NotParked,
        other => models::problem(other),
    }
}

impl Admin {
    /// Hands `AdminApi` its models and takes its callbacks; each counts as activity.
    pub fn setup(window: &AppWindow, ctx: &Rc<Ctx>) -> Rc<Admin> {
        let admin = Rc::new(Admin {
            ctx: ctx.clone(),
            open_report: RefCell::new(OpenReport::default()),
            discard: RefCell::new(None),
            since_read: Cell::new(0),
            outbox: Rc::new(VecModel::default()),
            vendors: Rc::new(VecModel::default()),
            parked: Rc::new(VecModel::default()),
        });
        let api = window.global::<AdminApi>();
        api.set_outbox(ModelRc::from(admin.outbox.clone()));
        api.set_vendors(ModelRc::from(admin.vendors.clone()));
        api.set_parked(ModelRc::from(admin.parked.clone()));
        api.on_retry_parked(callback(&admin, |a, row: i32| {
            a.ctx.activity();
            a.retry_parked(i64::from(row));
        }));
        api.on_discard_tapped(callback(&admin, |a, row: i32| {
            a.ctx.activity();
            a.discard_tapped(i64::from(row));
        }));
        api.on_discard_next(callback0(&admin, |a| {
            a.ctx.activity();
            a.discard_next();
        }));
        api.on_discard_confirmed(callback0(&admin, |a| {
            a.ctx.activity();
            a.discard_confirmed();
        }));
        api.on_acknowledge_salvage(callback0(&admin, |a| {
            a.ctx.activity();
            a.acknowledge_salvage();
        }));
        api.on_accept_clock_tapped(callback0(&admin, |a| {
            a.ctx.activity();
            if a.ctx.admin_badge().is_some() {
                a.ctx.with_api(|api| api.set_sheet(Sheet::AcceptClock));
            }
        }));
        api.on_accept_clock_confirmed(callback0(&admin, |a| {
            a.ctx.activity();
            a.accept_clock();
        }));
        admin
    }

    fn with_api(&self, f: impl FnOnce(&AdminApi<'_>)) {
        self.ctx.with_window(|w| f(&w.global::<AdminApi>()));
    }

    pub fn open(&self) {
        self.refresh();
        self.ctx.with_api(|api| {
            api.set_sheet(Sheet::None);
            api.set_screen(Screen::Admin);
        });
    }

    /// How the store was opened: a database moved aside at start shows here.
    pub fn set_open_report(&self, report: OpenReport) {
        *self.open_report.borrow_mut() = report;
        if self.ctx.screen() == Screen::Admin {
            self.refresh();
        }
    }

    /// The problems of a config reload that was refused (empty when the last one was fine).
    pub fn set_config_problems(&self, text: &str) {
        self.with_api(|api| api.set_config_problems(text.into()));
    }

    /// One second passed: re-reads every [`REFRESH_SECONDS`] while shown.
    pub fn tick(&self) {
        if self.ctx.screen() != Screen::Admin {
            return;
        }
        self.since_read.set(self.since_read.get() + 1);
        if self.since_read.get() >= REFRESH_SECONDS {
            self.refresh();
        }
    }

    /// A sheet was closed: nothing is about to be discarded.
    pub fn close_sheet(&self) {
        *self.discard.borrow_mut() = None;
    }

    /// The admin left: forgets the row on the discard sheets.
    pub fn clear(&self) {
        self.close_sheet();
        self.with_api(|api| api.set_sheet_parked(ParkedRow::default()));
    }

    pub fn refresh(&self) {
        let sync = self.ctx.status.get();
        let lang = self.ctx.language.get();
        let open = self.open_report.borrow().clone();
        self.with_api(|api| self.read(api, &self.ctx.kiosk.borrow(), &open, &sync, lang));
    }

    fn retry_parked(&self, row: i64) {
        let Some(admin) = self.ctx.admin_badge() else {
            return;
        };
        let result = self.ctx.kiosk.borrow_mut().retry_parked(row);
        match result {
            Ok(()) => log::info!(
                "admin badge {} retried parked outbox row {row}",
                crate::domain::masked_badge(&admin)
            ),
            Err(e) => {
                log::warn!("retrying parked outbox row {row}: {e}");
                self.ctx.show_problem(admin_problem(&e));
            }
        }
        self.refresh();
        self.ctx.refresh_status();
    }

    /// Discard, first question: "Discard this order?"
    fn discard_tapped(&self, row: i64) {
        if self.ctx.admin_badge().is_none() {
            return;
        }
        let Some(parked) = self.parked.iter().find(|r| i64::from(r.row) == row) else {
            return;
        };
        *self.discard.borrow_mut() = Some(parked.clone());
        self.with_api(|api| api.set_sheet_parked(parked));
        self.ctx
            .with_api(|api| api.set_sheet(Sheet::DiscardConfirm));
    }

    /// Discard, second question: "Really discard it?"
    fn discard_next(&self) {
        if self.discard.borrow().is_some() {
            self.ctx
                .with_api(|api| api.set_sheet(Sheet::DiscardConfirmAgain));
        }
    }

    fn discard_confirmed(&self) {
        let Some(admin) = self.ctx.admin_badge() else {
            return;
        };
        let Some(parked) = self.discard.borrow_mut().take() else {
            return;
        };
        let result = self
            .ctx
            .kiosk
            .borrow_mut()
            .discard_parked(i64::from(parked.row), &crate::domain::masked_badge(&admin));
        self.with_api(|api| api.set_sheet_parked(ParkedRow::default()));
        self.ctx.with_api(|api| api.set_sheet(Sheet::None));
        if let Err(e) = result {
            log::warn!("discarding parked outbox row {}: {e}", parked.row);
            self.ctx.show_problem(admin_problem(&e));
        }
        self.refresh();
        self.ctx.refresh_status();
    }

    /// The admin badged in, by name and number, for the log.
    fn admin_name(&self) -> Option<String> {
        self.ctx.admin_badge()?;
        self.ctx.session().map(|b| {
            format!(
                "admin {} (badge {})",
                b.name,
                crate::domain::masked_badge(&b.number)
            )
        })
    }

    /// The salvage was seen: it leaves the screen and `status` (the log keeps it).
    fn acknowledge_salvage(&self) {
        let Some(admin) = self.admin_name() else {
            return;
        };
        match self.ctx.kiosk.borrow().store().acknowledge_salvage() {
            Ok(Some(record)) => log::warn!(
                "{admin} acknowledged: {}",
                crate::kiosk::status::salvage_line(&record)
            ),
            Ok(None) => {}
            Err(e) => {
                log::error!("acknowledging the salvage: {e}");
                self.ctx.show_problem(models::problem(&KioskError::from(e)));
            }
        }
        self.refresh();
    }

    /// The admin vouched for the clock on the confirmation sheet.
    fn accept_clock(&self) {
        let Some(admin) = self.admin_name() else {
            return;
        };
        self.ctx.with_api(|api| api.set_sheet(Sheet::None));
        let result = self.ctx.kiosk.borrow().accept_clock(&admin);
        match result {
            Ok(_) => self.ctx.clock_doubt.set(false),
            Err(e) => {
                log::warn!("accepting the clock: {e}");
                self.ctx.show_problem(models::problem(&e));
            }
        }
        self.refresh();
        self.ctx.refresh_status();
    }

    /// Reads the kiosk's health and fills the screen.
    fn read(
        &self,
        api: &AdminApi<'_>,
        kiosk: &Kiosk,
        open: &OpenReport,
        sync: &SyncStatus,
        lang: Language,
    ) {
        self.since_read.set(0);
        let report = match status::collect(kiosk, open) {
            Ok(r) => r,
            Err(e) => {
                log::error!("reading the kiosk status: {e}");
                api.set_info(AdminInfo {
                    db_health: e.to_string().into(),
                    ..api.get_info()
                });
                return;
            }
        };
        let venue = kiosk.config().venues.first().cloned();
        let at = |t: Timestamp| local(t, venue.as_ref());
        let waiting = report.oldest_waiting.as_ref();
        api.set_info(AdminInfo {
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
            waiting_attempts: waiting.map_or(0, |r| count(r.attempts)),
            waiting_error: waiting
                .and_then(|r| r.last_error.clone())
                .unwrap_or_default()
                .into(),
            last_error: sync.last_error.clone().unwrap_or_default().into(),
            ..salvage_info(report.salvage.as_ref(), venue.as_ref())
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
        set_rows(&self.outbox, outbox);
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
        set_rows(&self.vendors, vendors);
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
                    attempts: count(r.attempts),
                    error: r.last_error.clone().unwrap_or_default().into(),
                }
            })
            .collect();
        set_rows(&self.parked, parked);
    }
}

/// The salvage fields of [`AdminInfo`] (all empty without one).
fn salvage_info(record: Option<&SalvageRecord>, venue: Option<&Venue>) -> AdminInfo {
    let Some(r) = record else {
        return AdminInfo::default();
    };
    AdminInfo {
        has_salvage: true,
        salvage_at: Timestamp::from_second(r.at)
            .map(|t| local(t, venue))
            .unwrap_or_default()
            .into(),
        salvage_moved_to: r.moved_to.display().to_string().into(),
        salvage_reason: r.reason.as_str().into(),
        salvage_carried: count(r.orders_carried),
        salvage_unreadable: count(r.rows_unreadable),
        ..AdminInfo::default()
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
