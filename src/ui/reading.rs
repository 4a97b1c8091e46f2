//! Easier reading: large text and high contrast, switched on by an employee for their
//! session (the "Aa" button, the reading sheet) and put back to the kiosk's default at
//! logout, so the next person starts from the usual screen. The switches live in `Theme`
//! (ui/widgets/theme.slint), where every size and colour is derived from them.

use super::generated::{AppWindow, Theme};
use slint::ComponentHandle;

/// How one person reads the screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reading {
    pub large_text: bool,
    pub high_contrast: bool,
}

impl Reading {
    pub fn apply(self, window: &AppWindow) {
        let theme = window.global::<Theme>();
        theme.set_large_text(self.large_text);
        theme.set_high_contrast(self.high_contrast);
    }
}
