//! The idle screen (nobody badged in) and the top bar every screen shows: the clock, the date
//! and the venue, today's dishes with the countdown to the cutoff, the demo badges, and the
//! notice after a badge was read (unknown badge, reading paused).

use super::context::Ctx;
use super::generated::{Api, AppWindow, DayTab, DemoBadge, Dish, Problem, TodayVenue, VenueChoice};
use super::models::{self, set_rows};
use crate::config::Venue;
use crate::kiosk::DayView;
use jiff::civil::Date;
use slint::{ComponentHandle, Model, ModelRc, VecModel};
use std::cell::RefCell;
use std::rc::Rc;

/// How long a notice on the idle screen (unknown badge) stays.
pub const NOTICE_SECONDS: u32 = 8;

/// Today's dishes the idle screen shows at most (it clips to what fits anyway).
const IDLE_PREVIEW_DISHES: usize = 20;

/// With several venues, the dishes the idle screen shows of each.
const VENUE_PREVIEW_DISHES: usize = 3;

pub(super) struct Idle {
    ctx: Rc<Ctx>,
    today_dishes: Rc<VecModel<Dish>>,
    today_venues: Rc<VecModel<TodayVenue>>,
    st: RefCell<State>,
}

#[derive(Default)]
struct State {
    /// Today's view (for the countdown).
    today_view: Option<DayView>,
    /// With several venues, each one's today instead.
    venues_today: Vec<(Venue, Option<DayView>)>,
    /// The local date and minute last shown (to notice a new day, and to check the clock
    /// once a minute).
    shown_day: Option<Date>,
    shown_minute: Option<i64>,
    notice_left: u32,
}

impl Idle {
    /// Hands the idle screen its models and the kiosk's name and demo badges.
    pub fn setup(window: &AppWindow, ctx: &Rc<Ctx>) -> Rc<Idle> {
        let idle = Rc::new(Idle {
            ctx: ctx.clone(),
            today_dishes: Rc::new(VecModel::default()),
            today_venues: Rc::new(VecModel::default()),
            st: RefCell::new(State::default()),
        });
        let api = window.global::<Api>();
        api.set_today_dishes(ModelRc::from(idle.today_dishes.clone()));
        api.set_today_venues(ModelRc::from(idle.today_venues.clone()));
        let config = ctx.kiosk.borrow().config().clone();
        api.set_kiosk_name(config.kiosk.name.as_str().into());
        // The built-in demo config has no file: its badges are buttons on the idle screen.
        let demo = config.path.is_none();
        api.set_demo(demo);
        let badges: Vec<DemoBadge> = if demo {
            config
                .badges
                .iter()
                .map(|b| DemoBadge {
                    number: b.number.as_str().into(),
                    name: b.name.as_str().into(),
                    role: b.role.as_str().into(),
                })
                .collect()
        } else {
            Vec::new()
        };
        api.set_demo_badges(ModelRc::new(VecModel::from(badges)));
        idle
    }

    /// Re-reads today's menu for the preview: the venue shown, or with several venues each
    /// one's (the idle screen is where a person sees where they could eat).
    pub fn reload_today(&self) {
        let venues = self.ctx.kiosk.borrow().config().venues.clone();
        self.show_venue_choices(&venues);
        if venues.len() > 1 {
            // A glance at each: the first dishes of every venue fit at 800×480 (two venues).
            let today: Vec<(Venue, Option<DayView>)> = venues
                .into_iter()
                .map(|v| {
                    let view = self.today_of(&v);
                    (v, view)
                })
                .collect();
            let rows: Vec<TodayVenue> = today
                .iter()
                .map(|(v, view)| TodayVenue {
                    name: v.name.as_str().into(),
                    tab: DayTab::default(),
                    dishes: ModelRc::new(VecModel::from(self.preview(
                        view,
                        v,
                        VENUE_PREVIEW_DISHES,
                    ))),
                })
                .collect();
            set_rows(&self.today_dishes, Vec::new());
            self.today_venues.set_vec(rows);
            let mut st = self.st.borrow_mut();
            st.today_view = None;
            st.venues_today = today;
        } else {
            let Some(venue) = self.ctx.venue() else {
                return;
            };
            let today = self.today_of(&venue);
            // The idle screen previews as many of today's dishes as fit (about 8 at 800×480,
            // 16 at 1280×800); laying out all of a big canteen's 150+ would cost the first
            // frame for rows nobody sees. The menu screen lists them all.
            let dishes = self.preview(&today, &venue, IDLE_PREVIEW_DISHES);
            set_rows(&self.today_dishes, dishes);
            self.today_venues.set_vec(Vec::new());
            let mut st = self.st.borrow_mut();
            st.today_view = today;
            st.venues_today = Vec::new();
        }
        self.tick_countdown();
    }

    /// The venues to pick from (the venue sheet) and the one shown.
    fn show_venue_choices(&self, venues: &[Venue]) {
        let choices: Vec<VenueChoice> = venues
            .iter()
            .map(|v| VenueChoice {
                key: v.key.as_str().into(),
                name: v.name.as_str().into(),
            })
            .collect();
        self.ctx
            .with_api(|api| api.set_venues(ModelRc::new(VecModel::from(choices))));
        self.ctx.show_venue();
    }

    fn today_of(&self, venue: &Venue) -> Option<DayView> {
        match self.ctx.kiosk.borrow().menu_view_upto(&venue.key, 1) {
            Ok(v) => v.into_iter().next(),
            Err(e) => {
                log::error!("reading today's menu of {}: {e}", venue.key);
                None
            }
        }
    }

    /// The first `n` dishes of a day, as the preview shows them.
    fn preview(&self, day: &Option<DayView>, venue: &Venue, n: usize) -> Vec<Dish> {
        let lang = self.ctx.language.get();
        day.as_ref()
            .map(|d| {
                d.dishes
                    .iter()
                    .take(n)
                    .map(|a| models::dish(a, &venue.currency, lang))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Today's countdown, from the deadline (no store read): the venue shown, or each
    /// venue's.
    pub fn tick_countdown(&self) {
        let st = self.st.borrow();
        if !st.venues_today.is_empty() {
            let kiosk = self.ctx.kiosk.borrow();
            let now = kiosk.now();
            for (i, (venue, view)) in st.venues_today.iter().enumerate() {
                let Some(mut row) = self.today_venues.row_data(i) else {
                    continue;
                };
                row.tab = view
                    .as_ref()
                    .map(|v| models::day_tab(v, kiosk.today(venue), now, &venue.rules))
                    .unwrap_or_default();
                self.today_venues.set_row_data(i, row);
            }
            return;
        }
        let Some(venue) = self.ctx.venue() else {
            return;
        };
        let kiosk = self.ctx.kiosk.borrow();
        let (now, today) = (kiosk.now(), kiosk.today(&venue));
        drop(kiosk);
        let tab = st
            .today_view
            .as_ref()
            .map(|v| models::day_tab(v, today, now, &venue.rules));
        self.ctx
            .with_api(|api| api.set_today_tab(tab.unwrap_or_default()));
    }

    /// Shows the time; checks the clock once a minute. Returns whether a new local day began
    /// since the previous call (never at the first).
    pub fn tick_clock(&self) -> bool {
        let Some(venue) = self.ctx.venue() else {
            return false;
        };
        let now = self.ctx.kiosk.borrow().now();
        let zoned = venue.rules.zoned(now);
        let day = zoned.date();
        let minute = now.as_second().div_euclid(60);
        if self.st.borrow().shown_minute != Some(minute) {
            // Checking the clock records the time seen: once a minute is plenty.
            let doubt = self.ctx.kiosk.borrow().clock_trust().is_err();
            self.st.borrow_mut().shown_minute = Some(minute);
            self.ctx.clock_doubt.set(doubt);
        }
        self.ctx.with_api(|api| {
            api.set_clock_time(zoned.strftime("%H:%M").to_string().into());
            api.set_today(models::date_parts(day));
            api.set_venue_name(venue.name.as_str().into());
        });
        let mut st = self.st.borrow_mut();
        let first = st.shown_day.is_none();
        let new_day = st.shown_day != Some(day);
        st.shown_day = Some(day);
        new_day && !first
    }

    /// A message after a badge was read, for [`NOTICE_SECONDS`].
    pub fn notice(&self, p: Problem) {
        self.st.borrow_mut().notice_left = NOTICE_SECONDS;
        self.ctx.with_api(|api| api.set_notice(p));
    }

    pub fn clear_notice(&self) {
        self.st.borrow_mut().notice_left = 0;
        self.ctx.with_api(|api| api.set_notice(Problem::None));
    }

    /// One second of the notice passed.
    pub fn tick_notice(&self) {
        let over = {
            let mut st = self.st.borrow_mut();
            if st.notice_left > 0 {
                st.notice_left -= 1;
                st.notice_left == 0
            } else {
                false
            }
        };
        if over {
            self.ctx.with_api(|api| api.set_notice(Problem::None));
        }
    }
}
