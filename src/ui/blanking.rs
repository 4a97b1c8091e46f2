//! Dimming and blanking the screen after a quiet period, and waking it.
//!
//! The rule (how long, service hours, the kitchen display) is `domain::blanking`; this
//! follows it once a second and turns the stage into the backlight (where the kiosk may write
//! one) or drawn black. While blank the window's timer stops and the worker's changes wait
//! (see the bridge's `pump`), so nothing redraws until a tap or a badge. Nobody badged in is
//! ever blanked: the logout timer ends a session first.

use super::backlight::Backlight;
use super::context::Ctx;
use super::generated::Api;
use crate::config::BacklightSetting;
use crate::domain::Stage;
use slint::ComponentHandle;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

/// How dark the drawn dim is where no backlight dims (0 none, 1 black).
const DRAWN_DIM: f32 = 0.6;

pub(super) struct Blanking {
    ctx: Rc<Ctx>,
    stage: Cell<Stage>,
    /// The backlight and the setting it was opened for (a reload may change the setting).
    light: RefCell<(BacklightSetting, Option<Backlight>)>,
    /// A blank kitchen display wakes by itself when service starts.
    service_timer: slint::Timer,
}

impl Blanking {
    pub fn setup(ctx: &Rc<Ctx>) -> Rc<Blanking> {
        let setting = ctx.kiosk.borrow().config().screen.backlight.clone();
        let light = Backlight::open(&setting);
        Rc::new(Blanking {
            ctx: ctx.clone(),
            stage: Cell::new(Stage::Awake),
            light: RefCell::new((setting, light)),
            service_timer: slint::Timer::default(),
        })
    }

    /// The screen is black: nothing should redraw.
    pub fn is_blank(&self) -> bool {
        self.stage.get() == Stage::Blank
    }

    /// A second passed without a touch (the activity resets `ctx.quiet`).
    pub fn tick(&self) {
        let quiet = match self.ctx.signed_in() {
            true => 0,
            false => self.ctx.quiet.get().saturating_add(1),
        };
        self.ctx.quiet.set(quiet);
        let stage = self.stage_now(Duration::from_secs(quiet.into()));
        if stage != self.stage.get() {
            self.enter(stage);
        }
    }

    /// A tap, a key or a badge: awake again. Returns whether the screen was asleep.
    pub fn wake(&self) -> bool {
        self.ctx.quiet.set(0);
        let was = self.stage.get();
        if was != Stage::Awake {
            log::debug!("screen awake again");
            self.enter(Stage::Awake);
        }
        was != Stage::Awake
    }

    fn stage_now(&self, quiet: Duration) -> Stage {
        let kiosk = self.ctx.kiosk.borrow();
        let screen = &kiosk.config().screen;
        let Some(venue) = kiosk.config().venues.first() else {
            return Stage::Awake;
        };
        if !screen.blank {
            return Stage::Awake;
        }
        let local = venue.rules.zoned(kiosk.now()).time();
        screen.blanking.stage(quiet, local, self.ctx.kitchen_mode)
    }

    fn enter(&self, stage: Stage) {
        self.reopen_if_changed();
        let lit = self.set_light(stage);
        let darkness = match (stage, lit) {
            (Stage::Awake, _) | (_, true) => 0.0,
            (Stage::Dimmed, false) => DRAWN_DIM,
            (Stage::Blank, false) => 1.0,
        };
        if stage == Stage::Blank {
            log::info!(
                "screen blank after {} s without a touch ({})",
                self.ctx.quiet.get(),
                if lit { "backlight off" } else { "drawn black" }
            );
        }
        self.stage.set(stage);
        self.ctx.with_api(|api| {
            api.set_asleep(stage != Stage::Awake);
            api.set_darkness(darkness);
            api.set_blank(stage == Stage::Blank);
        });
        self.plan_service_wake(stage);
    }

    /// Sets the backlight for `stage`; false when there is none (or it failed), so the stage
    /// is drawn instead.
    fn set_light(&self, stage: Stage) -> bool {
        let mut light = self.light.borrow_mut();
        let Some(bl) = light.1.as_mut() else {
            return false;
        };
        let done = match stage {
            Stage::Awake => bl.on(),
            Stage::Dimmed => bl.dim(),
            Stage::Blank => bl.off(),
        };
        match done {
            Ok(()) => true,
            Err(e) => {
                log::warn!(
                    "backlight {}: {e}; drawing black instead",
                    bl.dir().display()
                );
                light.1 = None;
                false
            }
        }
    }

    /// A `[screen] backlight` changed by a config reload takes effect at the next stage.
    fn reopen_if_changed(&self) {
        let setting = self.ctx.kiosk.borrow().config().screen.backlight.clone();
        let mut light = self.light.borrow_mut();
        if light.0 != setting {
            light.1 = None; // turns the old one back on (Drop) before the new one opens
            *light = (setting.clone(), Backlight::open(&setting));
        }
    }

    /// A kitchen display blanked outside service hours comes back on when service starts.
    fn plan_service_wake(&self, stage: Stage) {
        self.service_timer.stop();
        if stage != Stage::Blank || !self.ctx.kitchen_mode {
            return;
        }
        let Some(wait) = self.until_service() else {
            return;
        };
        let window = self.ctx.window.clone();
        self.service_timer
            .start(slint::TimerMode::SingleShot, wait, move || {
                if let Some(w) = window.upgrade() {
                    log::info!("service starts: the kitchen display wakes");
                    w.global::<Api>().invoke_wake();
                }
            });
    }

    /// How long until service hours next start, in the venue's zone.
    fn until_service(&self) -> Option<Duration> {
        let kiosk = self.ctx.kiosk.borrow();
        let venue = kiosk.config().venues.first()?;
        let start = kiosk.config().screen.blanking.service_hours.start;
        let now = venue.rules.zoned(kiosk.now());
        let mut next = now.with().time(start).build().ok()?;
        if next <= now {
            next = next.tomorrow().ok()?.with().time(start).build().ok()?;
        }
        let wait = now.duration_until(&next);
        Duration::try_from(wait).ok()
    }
}
