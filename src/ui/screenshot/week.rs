//! The screenshots of the week at a glance (landscape; portrait shows the day menu in the same
//! states): Anna's week with today's dish ordered twice and tomorrow's once, the next page with
//! the days that have no menu yet, and cancelling one of the two.

use super::super::generated::Screen;
use super::Scenario;
use crate::domain::OrderEvent;
use jiff::SignedDuration;
use jiff::civil::date;
use std::path::{Path, PathBuf};

impl Scenario {
    /// On a kiosk of its own (a fresh store).
    pub(super) fn week(&mut self, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
        self.on_own_kiosk("week", |_| {}, |s| s.week_shots(dir, out))
    }

    fn week_shots(&mut self, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
        let today = date(2026, 11, 19);
        let first = self.insert_order("1001", today, 0)?;
        self.worker_moves(
            &first,
            &[
                OrderEvent::SendStarted,
                OrderEvent::Accepted,
                OrderEvent::KitchenConfirmed,
            ],
            None,
        )?;
        self.clock.advance(SignedDuration::from_secs(40));
        // The same dish again (for a guest): a second order, saved a little later.
        self.insert_order_as("1001", today, 0, "-again")?;
        let tomorrow = self.insert_order("1001", date(2026, 11, 20), 2)?;
        self.worker_moves(
            &tomorrow,
            &[OrderEvent::SendStarted, OrderEvent::Accepted],
            None,
        )?;
        self.ui.badge("1001");
        self.api().invoke_show(Screen::Menu);
        self.shoot("week", dir, out)?;

        // The next page: next week, whose last days have no menu yet.
        self.api().set_week_first(3);
        self.shoot("week-next", dir, out)?;
        self.api().set_week_first(0);

        // "Cancel one" on today's two: the newest goes to the cancel sheet.
        let id = self.week_dish_id(0, 0)?;
        self.api().invoke_week_cancel_tapped(0, id.into());
        self.shoot("week-cancel-one", dir, out)?;
        self.api().invoke_close_sheet();
        self.api().invoke_logout();
        Ok(())
    }

    fn week_dish_id(&self, day: usize, row: usize) -> Result<String, String> {
        use slint::Model;
        let week = self.api().get_week();
        let day = week.row_data(day).ok_or("no such day in the week")?;
        let dish = day.dishes.row_data(row).ok_or("no such dish")?;
        Ok(dish.dish.id.to_string())
    }
}
