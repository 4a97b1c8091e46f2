//! The screenshots of a kiosk that reads two other kiosks' feeds (`[peers] from`): the
//! kitchen with their orders and the employee's order placed elsewhere.

use super::super::generated::Screen;
use super::Scenario;
use crate::config::{Config, PeerSettings, Secret};
use crate::domain::Clock;
use crate::peers::wire::{FeedLine, FeedOrder, badge_key};
use crate::store::{PeerPage, PeerRow};
use crate::sync::Change;
use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use std::path::{Path, PathBuf};

/// The peer kiosks of the screenshots' kitchen, and the canteen's token.
const DOOR: &str = "http://door-kiosk:8470";
const TERRACE: &str = "http://terrace-kiosk:8470";
const SHOT_TOKEN: &str = "screenshot-token-0123456789";

impl Scenario {
    /// A kiosk that reads two other kiosks' feeds (`[peers] from`): the door kiosk answers,
    /// the terrace kiosk stopped answering at 09:12. The kitchen lists their orders with its
    /// own; Anna sees the order she placed at the door kiosk, read-only. A kiosk of its own
    /// (its config names the peers), on the renderer's window from here on.
    pub(super) fn with_peers(&mut self, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
        let configure = |config: &mut Config| {
            config.peers = Some(PeerSettings {
                listen: None,
                from: vec![DOOR.to_string(), TERRACE.to_string()],
                token: Secret::new(SHOT_TOKEN),
            });
        };
        self.on_own_kiosk("peers", configure, |s| s.peer_shots(dir, out))
    }

    fn peer_shots(&mut self, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
        let today = date(2026, 11, 19);
        let tomorrow = date(2026, 11, 20);
        let now = self.clock.now();
        self.insert_order("1001", today, 0)?;
        self.insert_order("1003", today, 2)?;
        let door = vec![
            self.peer_row(DOOR, "door-1", "1002", "Michael K.", today, 1, "confirmed")?,
            self.peer_row(DOOR, "door-2", "2417", "Lena W.", today, 0, "sent")?,
            self.peer_row(DOOR, "door-3", "1001", "Anna B.", tomorrow, 1, "confirmed")?,
        ];
        self.peer_answers(
            DOOR,
            "Door kiosk",
            door,
            now - SignedDuration::from_secs(20),
        )?;
        let terrace = vec![self.peer_row(
            TERRACE,
            "terrace-1",
            "2981",
            "Paula R.",
            today,
            2,
            "confirmed",
        )?];
        let last_heard = now - SignedDuration::from_mins(29);
        self.peer_answers(TERRACE, "Terrace kiosk", terrace, last_heard)?;
        self.worker
            .note_peer_error(
                TERRACE,
                "unreachable (connection timed out)",
                now - SignedDuration::from_secs(30),
            )
            .map_err(|e| e.to_string())?;
        self.listeners.notify(Change::Orders);
        self.ui.pump();

        self.ui.badge("9001");
        self.shoot("kitchen-peers", dir, out)?;
        self.api().invoke_logout();

        self.ui.badge("1001");
        self.api().invoke_show(Screen::Orders);
        self.shoot("my-orders-peer", dir, out)?;
        self.api().invoke_logout();
        Ok(())
    }

    /// An order as a peer's feed gives it: dish `row` of `day`, in state `state`.
    #[allow(clippy::too_many_arguments)]
    fn peer_row(
        &self,
        peer: &str,
        id: &str,
        badge: &str,
        employee: &str,
        day: jiff::civil::Date,
        row: usize,
        state: &str,
    ) -> Result<PeerRow, String> {
        let (venue, article, serving) = self.dish_of(day, row)?;
        let key = badge_key(&Secret::new(SHOT_TOKEN), badge);
        let at = self.clock.now() - SignedDuration::from_mins(50);
        let order = FeedOrder {
            id: id.into(),
            venue: venue.clone(),
            day,
            serving,
            employee: employee.into(),
            badge_key: key.clone(),
            lines: vec![FeedLine {
                dish: article.name.clone(),
                quantity: 1,
                unit_price_cents: article.price.cents(),
            }],
            state: state.into(),
            parked: false,
            reason: None,
            created_at: at,
            updated_at: at,
        };
        Ok(PeerRow {
            peer: peer.into(),
            id: id.into(),
            venue,
            day,
            badge_key: key,
            body: serde_json::to_string(&order).map_err(|e| e.to_string())?,
        })
    }

    /// A peer's feed answered at `at` with all of its orders.
    fn peer_answers(
        &mut self,
        peer: &str,
        name: &str,
        rows: Vec<PeerRow>,
        at: Timestamp,
    ) -> Result<(), String> {
        self.worker
            .save_peer_page(&PeerPage {
                peer: peer.into(),
                kiosk_name: name.into(),
                epoch: format!("{name}-1"),
                cursor: rows.len() as i64,
                full: true,
                rows,
                heard_at: at,
                keep_from: date(2026, 11, 19),
            })
            .map_err(|e| e.to_string())
    }
}
