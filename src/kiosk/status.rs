//! The kiosk's health in one report: the `status` command and the admin screen.

use super::Kiosk;
use crate::domain::ALL_ORDER_STATES;
use crate::store::{OpenReport, OutboxRow, OutboxStatus, SalvageRecord, StoreError, VendorContact};
use serde_json::json;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct StatusReport {
    pub kiosk_id: String,
    pub version: &'static str,
    pub config_path: Option<String>,
    /// Outbox rows by status.
    pub outbox: Vec<(OutboxStatus, u64)>,
    /// Orders by state (today and later).
    pub orders: Vec<(&'static str, u64)>,
    /// The oldest row still waiting to be sent.
    pub oldest_waiting: Option<OutboxRow>,
    pub parked: Vec<OutboxRow>,
    pub vendors: Vec<VendorContact>,
    /// `None` when the clock is trusted, else why not.
    pub clock_doubt: Option<String>,
    pub db_health: String,
    pub db_bytes: u64,
    pub free_disk_bytes: Option<u64>,
    pub moved_aside: Option<String>,
    /// A corrupt file this store was salvaged from, until an admin acknowledges it.
    pub salvage: Option<SalvageRecord>,
}

pub fn collect(kiosk: &Kiosk, open: &OpenReport) -> Result<StatusReport, StoreError> {
    let store = kiosk.store();
    let mut waiting = store.outbox_rows(OutboxStatus::Pending)?;
    waiting.extend(store.outbox_rows(OutboxStatus::InFlight)?);
    waiting.sort_by_key(|r| r.created_at);
    let mut orders = Vec::new();
    for st in ALL_ORDER_STATES {
        let n = store.count_orders_in_state(st)?;
        if n > 0 {
            orders.push((st.as_str(), n));
        }
    }
    Ok(StatusReport {
        kiosk_id: kiosk.config().kiosk.id.clone(),
        version: env!("CARGO_PKG_VERSION"),
        config_path: kiosk
            .config()
            .path
            .as_ref()
            .map(|p| p.display().to_string()),
        outbox: store.outbox_counts()?,
        orders,
        oldest_waiting: waiting.into_iter().next(),
        parked: store.outbox_rows(OutboxStatus::Parked)?,
        vendors: store.vendor_contacts()?,
        clock_doubt: kiosk.clock_trust().err().map(|d| d.to_string()),
        db_health: store.health()?,
        db_bytes: store.size_bytes(),
        free_disk_bytes: free_disk(&kiosk.config().kiosk.data_dir),
        salvage: store.salvage_record()?,
        moved_aside: open
            .moved_aside
            .as_ref()
            .map(|(p, why)| format!("{} ({why})", p.display())),
    })
}

/// Free bytes on the file system of `dir` (what an unprivileged process may still write).
pub fn free_disk(dir: &Path) -> Option<u64> {
    let st = rustix::fs::statvfs(dir).ok()?;
    Some(st.f_bavail.saturating_mul(st.f_frsize))
}

impl StatusReport {
    pub fn to_json(&self) -> serde_json::Value {
        let row = |r: &OutboxRow| {
            json!({"row": r.id, "kind": r.kind.as_str(), "order": r.order_id, "attempts": r.attempts,
                   "created_at": r.created_at.to_string(), "last_error": r.last_error})
        };
        json!({
            "kiosk_id": self.kiosk_id,
            "version": self.version,
            "config": self.config_path,
            "outbox": self.outbox.iter().map(|(s, n)| (s.as_str().to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
            "orders": self.orders.iter().map(|(s, n)| (s.to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
            "oldest_waiting": self.oldest_waiting.as_ref().map(row),
            "parked": self.parked.iter().map(row).collect::<Vec<_>>(),
            "vendors": self.vendors.iter().map(|v| json!({
                "venue": v.venue, "last_ok_at": v.last_ok_at.map(|t| t.to_string()),
                "last_error": v.last_error, "last_error_at": v.last_error_at.map(|t| t.to_string()),
            })).collect::<Vec<_>>(),
            "clock_trusted": self.clock_doubt.is_none(),
            "clock_doubt": self.clock_doubt,
            "database": {"health": self.db_health, "bytes": self.db_bytes, "moved_aside": self.moved_aside},
            "free_disk_bytes": self.free_disk_bytes,
            "salvage": self.salvage.as_ref().map(|r| json!({
                "at": jiff::Timestamp::from_second(r.at).map(|t| t.to_string()).ok(),
                "moved_to": r.moved_to.display().to_string(),
                "reason": r.reason,
                "orders_carried": r.orders_carried,
                "rows_unreadable": r.rows_unreadable,
            })),
        })
    }

    pub fn to_text(&self) -> String {
        let mut out = vec![format!(
            "kiosk {} (canteen-kiosk {})",
            self.kiosk_id, self.version
        )];
        out.push(format!(
            "config: {}",
            self.config_path.as_deref().unwrap_or("built-in demo")
        ));
        let outbox: Vec<String> = self
            .outbox
            .iter()
            .map(|(s, n)| format!("{} {n}", s.as_str()))
            .collect();
        out.push(format!(
            "outbox: {}",
            if outbox.is_empty() {
                "empty".into()
            } else {
                outbox.join(", ")
            }
        ));
        let orders: Vec<String> = self
            .orders
            .iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect();
        out.push(format!(
            "orders: {}",
            if orders.is_empty() {
                "none".into()
            } else {
                orders.join(", ")
            }
        ));
        if let Some(r) = &self.oldest_waiting {
            out.push(format!(
                "oldest waiting: order {} since {} ({} attempts{})",
                r.order_id,
                r.created_at,
                r.attempts,
                r.last_error
                    .as_ref()
                    .map(|e| format!(", last error: {e}"))
                    .unwrap_or_default()
            ));
        }
        for r in &self.parked {
            out.push(format!(
                "PARKED row {}: {} order {}: {}",
                r.id,
                r.kind.as_str(),
                r.order_id,
                r.last_error.as_deref().unwrap_or("")
            ));
        }
        for v in &self.vendors {
            out.push(format!(
                "vendor {}: last ok {}, last error {}",
                v.venue,
                v.last_ok_at.map_or("never".into(), |t| t.to_string()),
                v.last_error.as_ref().map_or("none".into(), |e| format!(
                    "{e} at {}",
                    v.last_error_at.map_or(String::new(), |t| t.to_string())
                ))
            ));
        }
        out.push(match &self.clock_doubt {
            None => "clock: trusted".into(),
            Some(d) => format!("clock: NOT trusted — {d}"),
        });
        out.push(format!(
            "database: {}, {} KiB",
            self.db_health,
            self.db_bytes / 1024
        ));
        if let Some(m) = &self.moved_aside {
            out.push(format!("database was moved aside at start: {m}"));
        }
        if let Some(r) = &self.salvage {
            out.push(salvage_line(r));
        }
        if let Some(f) = self.free_disk_bytes {
            out.push(format!("free disk: {} MiB", f / (1024 * 1024)));
        }
        out.join("\n")
    }
}

/// The salvage in admin words (status, admin screen).
pub fn salvage_line(r: &SalvageRecord) -> String {
    let unreadable = match r.rows_unreadable {
        0 => String::new(),
        n => format!(
            ", {n} rows could not be read (their orders may be lost: check with the vendor)"
        ),
    };
    format!(
        "DATABASE REPLACED: the file was corrupt ({}) and is kept at {}; {} unsettled orders \
         were carried over{unreadable}. Acknowledge with `canteen-kiosk acknowledge-salvage`",
        r.reason,
        r.moved_to.display(),
        r.orders_carried,
    )
}
