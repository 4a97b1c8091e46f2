//! From the kiosk's views to the UI's rows: plain data, no words. Dates travel as parts,
//! states as enums, so the .slint side names them in the chosen language with `@tr()`.
//! Money is the one thing formatted here (digits and currency sign, per language).
//!
//! Every screen's controller uses these; none of them uses a controller, so the controllers
//! share them without depending on each other.

use super::generated::{DateParts, DayState, DayTab, Dish, OrderRow, OrderStatus, Problem, Span};
use crate::config::Language;
use crate::domain::{Article, CutoffRules, Money, OrderState, menu_text};
use crate::kiosk::{ClosedReason, DayStatus, DayView, KioskError, OrderView, Parked};
use jiff::Timestamp;
use jiff::civil::Date;
use slint::{Model, VecModel};

/// The day menu's tabs: a working week at most, which is what fits one row at 800×480. The
/// kiosk fetches further ahead (`[kiosk] days_ahead`) for the views of both weeks.
pub const DAY_TABS: u32 = 5;

/// Puts `rows` into `model`, touching only the rows that changed: an unchanged list costs the
/// renderer nothing, and a changed row redraws alone.
pub fn set_rows<T: Clone + PartialEq + 'static>(model: &VecModel<T>, rows: Vec<T>) {
    if model.row_count() != rows.len() {
        model.set_vec(rows);
        return;
    }
    for (i, row) in rows.into_iter().enumerate() {
        if model.row_data(i).as_ref() != Some(&row) {
            model.set_row_data(i, row);
        }
    }
}

/// A count for an `int` property (Slint's ints are 32 bits).
pub fn count(n: u32) -> i32 {
    n.min(i32::MAX as u32) as i32
}

/// "6,50 €" (de), "€6.50" (en), "€ 6,50" / "R$ 6,50" (pt-BR).
pub fn money(m: Money, currency: &str, lang: Language) -> String {
    let symbol = match currency {
        "EUR" => "€",
        "BRL" => "R$",
        "USD" => "$",
        "GBP" => "£",
        other => other,
    };
    let plain = m.to_decimal_string();
    let decimal = match lang {
        Language::En => plain,
        Language::De | Language::PtBr => plain.replace('.', ","),
    };
    match lang {
        Language::De => format!("{decimal} {symbol}"),
        Language::En if symbol.chars().count() == 1 => format!("{symbol}{decimal}"),
        Language::En | Language::PtBr => format!("{symbol} {decimal}"),
    }
}

pub fn date_parts(d: Date) -> DateParts {
    DateParts {
        weekday: i32::from(d.weekday().to_monday_one_offset()),
        day: i32::from(d.day()),
        month: i32::from(d.month()),
    }
}

pub fn span(seconds: i64) -> Span {
    let s = seconds.max(0);
    let clamp = |v: i64| v.min(i64::from(i32::MAX)) as i32;
    Span {
        total: clamp(s),
        days: clamp(s / 86_400),
        hours: clamp(s % 86_400 / 3600),
        minutes: clamp(s % 3600 / 60),
        seconds: clamp(s % 60),
    }
}

/// The time left as the countdown shows it: from an hour up, whole minutes ("1 h 18 min").
/// The idle screen's countdown then changes (and redraws) once a minute, not every second:
/// most of an idle kiosk's CPU was that redraw.
fn shown_left(seconds: i64) -> i64 {
    match seconds >= 3600 {
        true => seconds - seconds % 60,
        false => seconds,
    }
}

/// "11:00" in the venue's time zone.
pub fn hhmm(at: Timestamp, rules: &CutoffRules) -> String {
    rules.zoned(at).strftime("%H:%M").to_string()
}

/// "A C G"
pub fn allergens(letters: &str) -> String {
    letters
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',')
        .map(String::from)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A day tab as of `now`: the countdown and whether it is still open are worked out from the
/// day's deadline, so the tab can tick without reading the store again.
pub fn day_tab(view: &DayView, today: Date, now: Timestamp, rules: &CutoffRules) -> DayTab {
    let offset = (view.day - today).get_days().max(0);
    let (state, left) = match (&view.status, view.order_until) {
        (DayStatus::Closed(ClosedReason::NoMenu), _) => (DayState::NoMenu, 0),
        (DayStatus::Closed(ClosedReason::CutoffPassed { .. }), _) => (DayState::CutoffPassed, 0),
        (DayStatus::Open { .. }, Some(until)) => {
            let left = until.as_second() - now.as_second();
            if left >= 0 {
                (DayState::Open, left)
            } else {
                (DayState::CutoffPassed, 0)
            }
        }
        (DayStatus::Open { seconds_left }, None) => (DayState::Open, *seconds_left),
    };
    DayTab {
        date: date_parts(view.day),
        offset,
        state,
        order_until: view
            .order_until
            .map(|t| hhmm(t, rules))
            .unwrap_or_default()
            .into(),
        left: span(shown_left(left)),
        dish_count: view.dishes.len() as i32,
    }
}

/// A description's courses in the reader's language (a Bessa one holds German and English
/// with the letters of each course): on one line (" · ") for a dish row, whose allergens show
/// all of the dish's letters; and as a list, one course per line with its own letters
/// ("Vegetable broth with baked peas (A C L M)"), for the order sheet.
fn courses(description: &str, lang: Language) -> (String, String) {
    let lines = menu_text::lines_for(description, lang.code());
    let row: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    let list: Vec<String> = lines
        .iter()
        .map(|l| match allergens(&l.allergens) {
            letters if letters.is_empty() => l.text.clone(),
            letters => format!("{} ({letters})", l.text),
        })
        .collect();
    (row.join(" · "), list.join("\n"))
}

pub fn dish(a: &Article, currency: &str, lang: Language) -> Dish {
    let (description, courses) = courses(&a.description, lang);
    Dish {
        id: a.vendor_id.as_str().into(),
        name: a.name.as_str().into(),
        description: description.into(),
        courses: courses.into(),
        price: money(a.price, currency, lang).into(),
        allergens: allergens(&a.allergens).into(),
        portions_left: if a.sold_out {
            0
        } else {
            a.portions_left
                .map(|p| p.min(i32::MAX as u32) as i32)
                .unwrap_or(-1)
        },
        available: a.is_available(),
    }
}

pub fn status(s: OrderState) -> OrderStatus {
    match s {
        OrderState::Queued => OrderStatus::Queued,
        OrderState::Sending => OrderStatus::Sending,
        OrderState::Sent => OrderStatus::Sent,
        OrderState::Confirmed => OrderStatus::Confirmed,
        OrderState::Done => OrderStatus::Done,
        OrderState::CancelRequested => OrderStatus::CancelRequested,
        OrderState::Cancelled => OrderStatus::Cancelled,
        OrderState::KitchenCancelled => OrderStatus::KitchenCancelled,
        OrderState::Rejected => OrderStatus::Rejected,
        OrderState::Expired => OrderStatus::Expired,
        OrderState::Unknown => OrderStatus::Unknown,
    }
}

/// The status shown for an order: parked while its outbox row is (the order itself still
/// says queued), else its state.
pub fn shown_status(s: OrderState, parked: Option<&Parked>) -> OrderStatus {
    match parked {
        Some(_) => OrderStatus::Parked,
        None => status(s),
    }
}

pub fn order_row(
    v: &OrderView,
    today: Date,
    rules: &CutoffRules,
    currency: &str,
    lang: Language,
) -> OrderRow {
    let o = &v.order;
    let dishes: Vec<&str> = o.lines.iter().map(|l| l.name.as_str()).collect();
    // The reason is shown where it explains an outcome; a cancelled order needs none.
    let reason = match (&v.parked, o.state) {
        (Some(p), _) => p.reason.clone(),
        (None, OrderState::Rejected | OrderState::KitchenCancelled | OrderState::Expired) => {
            o.reason.clone().unwrap_or_default()
        }
        _ => String::new(),
    };
    OrderRow {
        id: o.id.as_str().into(),
        date: date_parts(o.day),
        offset: (o.day - today).get_days().max(0),
        dish: dishes.join(", ").into(),
        venue: v.venue_name.as_str().into(),
        price: money(o.total(), currency, lang).into(),
        status: shown_status(o.state, v.parked.as_ref()),
        reason: reason.into(),
        can_cancel: v.can_cancel,
        cancel_until: v
            .cancel_until
            .map(|t| hhmm(t, rules))
            .unwrap_or_default()
            .into(),
        pickup: hhmm(o.serving, rules).into(),
        placed_at: v.placed_at.as_deref().unwrap_or_default().into(),
    }
}

/// What to tell the person about a refused action.
pub fn problem(e: &KioskError) -> Problem {
    match e {
        KioskError::UnknownBadge => Problem::UnknownBadge,
        KioskError::UnknownVenue(_)
        | KioskError::Cutoff(_)
        | KioskError::ClockBeforeBuild { .. } => Problem::Setup,
        KioskError::NoSuchDish => Problem::NoSuchDish,
        KioskError::SoldOut => Problem::SoldOut,
        KioskError::OrderClosed { .. } => Problem::OrderClosed,
        KioskError::CancelClosed { until: Some(_) } => Problem::CancelClosed,
        KioskError::CancelClosed { until: None } => Problem::CancelNotAllowed,
        KioskError::NotCancellable(_) | KioskError::NoSuchOrder => Problem::NotCancellable,
        KioskError::PlacedElsewhere(_) => Problem::PlacedElsewhere,
        KioskError::NotYours => Problem::NotYours,
        KioskError::Store(_) => Problem::Storage,
    }
}

/// What a refusal's sentence names (`Api.problem-detail`): the kiosk an order was placed at.
pub fn problem_detail(e: &KioskError) -> String {
    match e {
        KioskError::PlacedElsewhere(kiosk) => kiosk.clone(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_per_language() {
        let m = Money::from_cents(650);
        assert_eq!(money(m, "EUR", Language::De), "6,50 €");
        assert_eq!(money(m, "EUR", Language::En), "€6.50");
        assert_eq!(money(m, "EUR", Language::PtBr), "€ 6,50");
        assert_eq!(money(m, "BRL", Language::PtBr), "R$ 6,50");
        assert_eq!(money(m, "CHF", Language::En), "CHF 6.50");
    }

    #[test]
    fn spans_and_allergens() {
        let s = span(90_061);
        assert_eq!((s.days, s.hours, s.minutes, s.seconds), (1, 1, 1, 1));
        assert_eq!(span(-5).total, 0);
        assert_eq!(shown_left(4_739), 4_680, "whole minutes from an hour up");
        assert_eq!(shown_left(3_599), 3_599, "seconds in the last hour");
        assert_eq!(allergens("ACG"), "A C G");
        assert_eq!(allergens("A, C"), "A C");
    }

    #[test]
    fn an_order_placed_elsewhere_names_its_kiosk() {
        let e = KioskError::PlacedElsewhere("Door kiosk".into());
        assert_eq!(problem(&e), Problem::PlacedElsewhere);
        assert_eq!(problem_detail(&e), "Door kiosk");
        assert_eq!(problem_detail(&KioskError::NoSuchOrder), "");
    }

    #[test]
    fn dates_in_parts() {
        let d = jiff::civil::date(2026, 11, 19);
        let p = date_parts(d);
        assert_eq!((p.weekday, p.day, p.month), (4, 19, 11));
    }
}
