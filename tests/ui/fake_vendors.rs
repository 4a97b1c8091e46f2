//! Issue 16's employee flows against the fake vendors (tests/support/), not the demo vendor:
//! the kiosk screen of `tests/ui.rs` with a Bessa venue at a running `BessaFake` (and an Order
//! Mesa venue beside it for the venue pick), menus fetched and orders sent by the real sync
//! engine, one pass at a time on the fixture's clock. Each test counts what the fake vendor
//! received. A module of `tests/ui.rs` (its fixture).

use super::support::bessa::{BessaDay, BessaFake, BessaOrder, CAPTURE_TOKEN};
use super::support::order_mesa::OrderMesaFake;
use super::*;
use canteen_kiosk::config::{MenuSource, VendorSettings, Venue};
use canteen_kiosk::sync::{Engine, RetryPolicy, StepReport};
use canteen_kiosk::ui::generated::{Dish, HistoryRow, WeekDay, WeekState};
use canteen_kiosk::vendors::{self, Vendor, http::Http};
use serde_json::{Value, json};
use std::collections::HashMap;

/// Bessa's venue at the kiosk: the demo's rules (Europe/Vienna, served 12:00, ordering until
/// 11:00, cancelling until 10:00), its menus from the fake.
const KANTINE: &str = "kantine";
/// The Order Mesa venue beside it, its menu from a file (Order Mesa has no menu call).
const BISTRO: &str = "bistro";

/// The capture's shape of a Bessa menu: two bilingual courses, then one in German only.
const BOUILLON: &str = "Gemüsebouillon mit Backerbsen / Vegetable broth with baked peas(ACLM) \
                        Faschierter Braten mit Püree / Minced meat roast with mashed \
                        potatoes(ACGLM) Marillenknödel(ACG)";
const M1: &str = "M1 Bouillon & Braten";
const M2: &str = "M2 Salat mit Gebäck";
const M3: &str = "M3 Kaiserschmarrn";

/// A Bessa menu item as `GET /venues/{v}/menu/{t}/{date}/` lists it; `portions`: what
/// `available_amount` says (portions counted), `None`: not counted.
fn item(
    id: u64,
    article: u64,
    name: &str,
    description: &str,
    price: &str,
    portions: Option<u32>,
) -> Value {
    let mut item = json!({"id": id, "article": article, "name": name, "description": description,
                          "price": price, "vat": "10.00", "allergens": []});
    match portions {
        Some(n) => {
            item["available_amount"] = json!(n.to_string());
            item["amount_tracking"] = json!(true);
        }
        None => item["amount_tracking"] = json!(false),
    }
    item
}

/// Thursday 19 and Friday 20 November, then Monday to Wednesday of next week, each with the
/// three dishes; the salad of `sold_out_day` has no portions left.
fn bessa_days(sold_out_day: Option<&str>) -> Vec<BessaDay> {
    [
        "2026-11-19",
        "2026-11-20",
        "2026-11-23",
        "2026-11-24",
        "2026-11-25",
    ]
    .iter()
    .zip(901..)
    .map(|(date, id)| {
        let salad = if sold_out_day == Some(*date) { 0 } else { 12 };
        BessaDay {
            date: date.to_string(),
            id,
            items: vec![
                item(id * 10, 182378, M1, BOUILLON, "4.00", Some(17)),
                item(
                    id * 10 + 1,
                    182379,
                    M2,
                    "Salat / salad (G)",
                    "5.50",
                    Some(salad),
                ),
                item(
                    id * 10 + 2,
                    182380,
                    M3,
                    "Kaiserschmarrn / Emperor's pancake(ACG)",
                    "3.80",
                    None,
                ),
            ],
        }
    })
    .collect()
}

/// The demo config (its badges, language, days ahead) with the venues replaced: Bessa at
/// `bessa`, and Order Mesa at `mesa` if given.
fn fake_vendor_config(config: &mut Config, bessa: &str, mesa: Option<&str>) {
    let rules = config.venues[0].rules.clone();
    let mut kantine = super::support::venue(
        KANTINE,
        VendorSettings::Bessa(super::support::bessa_settings(bessa, Some(CAPTURE_TOKEN))),
        "EUR",
        rules.clone(),
    );
    kantine.name = "Kantine".into();
    config.venues = vec![kantine];
    config.http = super::support::quick_http();
    if let Some(url) = mesa {
        let menu = config.kiosk.data_dir.join("bistro-menu.toml");
        std::fs::write(
            &menu,
            "[[dishes]]\ncode = \"B1\"\nname = \"Feijoada\"\nprice = \"8.90\"\n\
             weekdays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]\n",
        )
        .unwrap();
        let bistro = Venue {
            name: "Bistro".into(),
            menu: MenuSource::File(menu),
            ..super::support::venue(
                BISTRO,
                VendorSettings::OrderMesa(super::support::mesa_settings(url)),
                "EUR",
                rules,
            )
        };
        config.venues.push(bistro);
    }
}

/// The kiosk screen, its sync engine and the fake vendors it talks to.
struct Rig {
    f: Fixture,
    engine: Engine,
    bessa: BessaFake,
    mesa: Option<OrderMesaFake>,
}

impl Rig {
    fn new(name: &str, with_mesa: bool) -> Rig {
        let bessa = BessaFake::start();
        bessa.set_days(bessa_days(Some("2026-11-19")));
        let mesa = with_mesa.then(OrderMesaFake::start);
        let (bessa_url, mesa_url) = (bessa.url(), mesa.as_ref().map(OrderMesaFake::url));
        let f = Fixture::with_config(name, |c| {
            fake_vendor_config(c, &bessa_url, mesa_url.as_deref())
        });
        // The engine gets the config the kiosk was given.
        let config = f.config.clone();
        let clock: Arc<dyn Clock> = Arc::new(f.clock.clone());
        let http = Http::new(&config.http);
        let vendors: HashMap<String, Box<dyn Vendor>> = config
            .venues
            .iter()
            .map(|v| {
                (
                    v.key.clone(),
                    vendors::connect_with(&config, v, &http, clock.clone()),
                )
            })
            .collect();
        let engine = Engine::new(
            config,
            Store::connect(f.worker.path()).unwrap(),
            clock,
            vendors,
        )
        .with_listeners(f.listeners.clone())
        .with_status(f.status.clone())
        .with_policy(RetryPolicy {
            jitter: 0.0,
            ..RetryPolicy::default()
        })
        .with_clock_floor(super::clock_floor());
        let mut rig = Rig {
            f,
            engine,
            bessa,
            mesa,
        };
        let first = rig.sync();
        let venues = if with_mesa { 2 } else { 1 };
        assert_eq!(first.menus_refreshed, venues, "{first:?}");
        rig
    }

    /// One pass of the sync worker; the screen takes what it reported, as the window does.
    fn sync(&mut self) -> StepReport {
        let report = self.engine.step();
        assert_eq!(report.store_error, None);
        assert_eq!(report.clock_doubt, None);
        self.f.ui.pump();
        settle();
        report
    }

    /// The kiosk on a 7" panel in landscape, where the menu is the week at a glance.
    fn landscape(&self) {
        self.f
            .ui
            .window()
            .window()
            .set_size(slint::PhysicalSize::new(800, 480));
        settle();
    }

    /// The week's day `d` of November 2026.
    fn day(&self, d: i32) -> WeekDay {
        self.f
            .api()
            .get_week()
            .iter()
            .find(|w| w.tab.date.day == d && w.tab.date.month == 11)
            .unwrap_or_else(|| panic!("no {d} November in the week"))
    }

    /// The selected day's dish named `name`, as the day menu has it.
    fn dish(&self, name: &str) -> Dish {
        self.f
            .api()
            .get_dishes()
            .iter()
            .find(|d| d.name == name)
            .unwrap_or_else(|| panic!("no dish {name:?} on the menu"))
    }

    /// How many portions of `name` the week says were ordered on day `d`.
    fn ordered_of(&self, d: i32, name: &str) -> i32 {
        self.day(d)
            .dishes
            .iter()
            .find(|x| x.dish.name == name)
            .map_or(0, |x| x.ordered)
    }

    /// Requests the fake Bessa received with this method and route.
    fn bessa_calls(&self, method: &str, route: &str) -> usize {
        self.bessa
            .server
            .requests()
            .iter()
            .filter(|r| r.is(method, route))
            .count()
    }

    fn bessa_posts(&self) -> usize {
        self.bessa_calls("POST", "/v1/user/orders/")
    }

    /// Bessa orders that will still be served (not cancelled: state 9).
    fn live_at_bessa(&self) -> Vec<BessaOrder> {
        self.bessa
            .orders()
            .into_iter()
            .filter(|o| o.state != 9)
            .collect()
    }

    /// The kiosk's order ids of badge 1001, oldest first, with their Bessa ids.
    fn vendor_refs(&self) -> Vec<(String, Option<String>)> {
        let mut orders = self.f.orders_of("1001");
        orders.sort_by_key(|o| o.created_at);
        orders.into_iter().map(|o| (o.id, o.vendor_ref)).collect()
    }

    /// Badges 1001 in once more: another badge first, since the same badge read again within
    /// a second is taken for the reader's double read.
    fn badge_in_again(&self) {
        self.f.type_keys("1002\n");
        self.f.tap("Log out");
        self.f.badge_in();
    }

    /// Orders today's dish `name` from the day menu (portrait) in two taps; the sheet closed.
    fn order_in_portrait(&self, name: &str) {
        self.f.tap(name);
        assert_eq!(self.f.api().get_sheet(), Sheet::ConfirmOrder);
        self.f.tap("Order now");
        assert_eq!(self.f.api().get_sheet(), Sheet::OrderPlaced);
        self.f.api().invoke_close_sheet();
        settle();
    }
}

/// What each Bessa order asked for: (article, amount) per item.
fn items_of(o: &BessaOrder) -> Vec<(u64, u64)> {
    o.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["article"].as_u64().unwrap(),
                i["amount"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn order_and_cancel_from_the_week_reach_bessa() {
    let mut r = Rig::new("fake-week", false);
    r.landscape();
    r.f.badge_in();
    assert!(r.f.find("Next days").is_some(), "the menu is the week");
    assert_eq!(r.day(19).state, WeekState::Open);

    // Two taps: the dish, then "Order now".
    let dish = format!("{M1} · Today 19 Nov");
    r.f.tap(&dish);
    assert_eq!(r.f.api().get_sheet(), Sheet::ConfirmOrder);
    r.f.tap("Order now");
    assert_eq!(r.f.api().get_sheet(), Sheet::OrderPlaced);
    r.f.tap("Done");
    assert!(r.bessa.orders().is_empty(), "saved here, not sent yet");

    let report = r.sync();
    assert_eq!(report.sent, 1, "{report:?}");
    let received = r.bessa.orders();
    assert_eq!(received.len(), 1, "exactly one order");
    assert_eq!(items_of(&received[0]), [(182378, 1)]);
    assert_eq!(received[0].item_names, [M1]);
    assert_eq!(received[0].body["date"], "2026-11-19T11:00:00.000Z");
    assert_eq!(
        received[0].body["customer"]["email"],
        "anna.berger@example.com"
    );
    assert_eq!(r.day(19).state, WeekState::Ordered);
    assert!(r.f.find("Today 19 Nov · Ordered · M1").is_some());
    assert!(r.f.find(&format!("1 portion ordered · {dish}")).is_some());

    // Cancelled from the week: asked first, then sent as one cancellation.
    r.f.tap(&format!("Cancel order {dish}"));
    assert_eq!(r.f.api().get_sheet(), Sheet::ConfirmCancel);
    r.f.tap("Yes, cancel it");
    let report = r.sync();
    assert_eq!(report.cancelled, 1, "{report:?}");
    let cancel = format!("/v1/user/orders/{}/cancel/", received[0].id);
    assert_eq!(r.bessa_calls("PATCH", &cancel), 1);
    assert_eq!(
        r.bessa
            .server
            .requests()
            .iter()
            .filter(|q| q.method == "PATCH")
            .count(),
        1,
        "exactly one cancellation"
    );
    assert_eq!(r.bessa.orders()[0].state, 9, "cancelled at Bessa");
    assert_eq!(r.bessa_posts(), 1, "nothing ordered again");
    assert_eq!(r.f.orders_of("1001")[0].state, OrderState::Cancelled);
    assert_eq!(r.day(19).state, WeekState::Open);
    assert!(r.f.find("Today 19 Nov · Open · 1 h 19 min left").is_some());
    assert!(r.f.find(&format!("Cancel order {dish}")).is_none());
}

#[test]
fn the_same_dish_twice_is_two_bessa_orders_and_cancel_takes_one() {
    let mut r = Rig::new("fake-twice", false);
    r.landscape();
    r.f.badge_in();
    let dish = format!("{M3} · Tomorrow 20 Nov");
    r.f.tap(&dish);
    r.f.tap("Order now");
    r.f.tap("Done");
    r.f.clock.advance(SignedDuration::from_secs(5));
    r.f.tap(&dish);
    assert_eq!(r.f.api().get_sheet(), Sheet::OrderTwice);
    r.f.tap("Yes, order another");
    r.f.tap("Order now");
    r.f.tap("Done");

    let report = r.sync();
    assert_eq!(report.sent, 2, "{report:?}");
    // Our adapter sends one order per portion: what Bessa holds adds up to the "2 ×" shown.
    let live = r.live_at_bessa();
    assert_eq!(live.len(), 2);
    let portions: u64 = live.iter().flat_map(items_of).map(|(_, n)| n).sum();
    assert!(live.iter().all(|o| items_of(o) == [(182380, 1)]));
    assert_eq!(portions, 2);
    assert_eq!(r.ordered_of(20, M3), 2);
    assert_eq!(r.day(20).codes, "2×M3");
    assert!(r.f.find(&format!("2 portions ordered · {dish}")).is_some());
    assert!(r.f.find("Cancel one").is_some());

    // Cancel one: the newest goes, Bessa keeps the other.
    let refs = r.vendor_refs();
    r.f.tap(&format!("Cancel order {dish}"));
    r.f.tap("Yes, cancel it");
    let report = r.sync();
    assert_eq!(report.cancelled, 1, "{report:?}");
    let live = r.live_at_bessa();
    assert_eq!(live.len(), 1, "Bessa keeps one");
    assert_eq!(Some(live[0].id.to_string()), refs[0].1, "the older one");
    let newest = refs[1].1.as_deref().unwrap();
    assert_eq!(
        r.bessa_calls("PATCH", &format!("/v1/user/orders/{newest}/cancel/")),
        1
    );
    assert_eq!(r.ordered_of(20, M3), 1);
    assert_eq!(r.day(20).codes, "M3");
    assert!(r.f.find(&format!("1 portion ordered · {dish}")).is_some());
}

#[test]
fn bessas_bilingual_descriptions_show_per_course_in_the_kiosk_language() {
    let r = Rig::new("fake-bilingual", false);
    let english = "Vegetable broth with baked peas · Minced meat roast with mashed potatoes · \
                   Marillenknödel";
    let german = "Gemüsebouillon mit Backerbsen · Faschierter Braten mit Püree · Marillenknödel";
    let shown = |r: &Rig| {
        let row = r.dish(M1);
        let on_screen = r.f.find(M1).unwrap().accessible_description().unwrap();
        assert_eq!(
            on_screen, row.description,
            "the row shows what the model holds"
        );
        (row.description.to_string(), row.allergens.to_string())
    };
    r.f.badge_in();
    assert_eq!(
        shown(&r),
        (english.to_string(), "A C G L M".to_string()),
        "each course once, in English; every course's letters"
    );
    r.f.tap("Log out");
    r.f.tap("Deutsch");
    r.f.type_keys("1002\n");
    assert_eq!(r.f.api().get_screen(), Screen::Menu);
    assert_eq!(shown(&r).0, german);
    // The order sheet lists the courses, each with its own letters.
    r.f.tap(M1);
    let sheet = r.f.api().get_sheet_dish();
    assert_eq!(sheet.description, german);
    assert_eq!(
        sheet.courses,
        "Gemüsebouillon mit Backerbsen (A C L M)\nFaschierter Braten mit Püree (A C G L M)\n\
         Marillenknödel (A C G)"
    );
    assert!(r.f.find(&sheet.courses).is_some(), "shown on the sheet");
}

#[test]
fn a_watched_sold_out_dish_freed_at_bessa_is_said_first_and_ordered() {
    let mut r = Rig::new("fake-watch", false);
    r.f.badge_in();
    let salad = r.dish(M2);
    assert!(!salad.available);
    assert_eq!(salad.portions_left, 0, "Bessa says 0 of a counted dish");
    r.f.tap(M2);
    assert_eq!(r.f.api().get_sheet(), Sheet::Problem);
    assert_eq!(r.f.api().get_problem(), Problem::SoldOut);
    r.f.tap("Tell me when it is back");
    assert_eq!(r.f.api().get_sheet(), Sheet::Watching);
    assert_eq!(r.f.api().get_news_dish(), M2);
    r.f.tap("OK");
    r.f.tap("Log out");

    // A refresh that still says 0 says nothing at the next badge-in.
    r.engine.request_menu_refresh();
    assert_eq!(r.sync().menus_refreshed, 1);
    r.badge_in_again();
    assert_eq!(r.f.api().get_sheet(), Sheet::None);
    r.f.tap("Log out");

    // The kitchen frees portions at Bessa; the next menu refresh brings them.
    r.bessa.set_days(bessa_days(None));
    r.engine.request_menu_refresh();
    let report = r.sync();
    assert_eq!(report.menus_refreshed, 1, "{report:?}");
    r.badge_in_again();
    assert_eq!(r.f.api().get_sheet(), Sheet::FreedDish, "said first");
    assert_eq!(r.f.api().get_news_dish(), M2);
    r.f.tap("Order it");
    assert_eq!(r.f.api().get_sheet(), Sheet::ConfirmOrder);
    r.f.tap("Order now");
    assert_eq!(r.f.api().get_sheet(), Sheet::OrderPlaced);
    let report = r.sync();
    assert_eq!(report.sent, 1, "{report:?}");
    let received = r.bessa.orders();
    assert_eq!(received.len(), 1);
    assert_eq!(items_of(&received[0]), [(182379, 1)]);
    assert_eq!(received[0].body["date"], "2026-11-19T11:00:00.000Z");
}

#[test]
fn my_month_totals_the_orders_bessa_confirmed() {
    let mut r = Rig::new("fake-history", false);
    r.f.badge_in();
    // Today's M1 (4.00), tomorrow's M3 (3.80), and Monday's salad (5.50), cancelled again.
    r.order_in_portrait(M1);
    r.f.tap("Tomorrow 20 Nov");
    r.order_in_portrait(M3);
    r.f.tap("Monday 23 Nov");
    r.order_in_portrait(M2);
    assert_eq!(r.sync().sent, 3);
    r.f.tap("My orders");
    r.f.tap(&format!("Cancel order {M2}"));
    r.f.tap("Yes, cancel it");
    assert_eq!(r.sync().cancelled, 1);

    // The kitchen confirms the two kept ones at Bessa (8: the kitchen has it); the next
    // status poll, a minute on, brings that.
    for o in r.live_at_bessa() {
        r.bessa.set_order_state(o.id, 8);
    }
    r.f.clock.advance(SignedDuration::from_secs(60));
    let report = r.sync();
    assert_eq!(report.states_updated, 2, "{report:?}");

    r.f.tap("By month");
    assert_eq!(r.f.api().get_screen(), Screen::History);
    let rows: Vec<HistoryRow> = r.f.api().get_history().iter().collect();
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(rows[0].heading);
    // 400 + 380 cents; the cancelled 550 costs nothing.
    assert_eq!(rows[0].total, "€7.80");
    assert!(r.f.find("November 2026: €7.80").is_some());
    let lines: Vec<(String, OrderStatus, bool)> = rows[1..]
        .iter()
        .map(|h| (h.dish.to_string(), h.status, h.charged))
        .collect();
    assert_eq!(
        lines,
        [
            (M2.to_string(), OrderStatus::Cancelled, false),
            (M3.to_string(), OrderStatus::Confirmed, true),
            (M1.to_string(), OrderStatus::Confirmed, true),
        ]
    );
}

#[test]
fn an_order_at_the_order_mesa_venue_reaches_order_mesa_only() {
    let mut r = Rig::new("fake-venues", true);
    r.f.badge_in();
    assert_eq!(r.f.api().get_venue_name(), "Kantine");
    r.f.tap("Venue: Kantine");
    assert_eq!(r.f.api().get_sheet(), Sheet::Venue);
    r.f.tap("Bistro");
    assert_eq!(r.f.api().get_venue_name(), "Bistro");
    r.order_in_portrait("Feijoada");
    let before = r.bessa.server.count();

    let report = r.sync();
    assert_eq!(report.sent, 1, "{report:?}");
    let mesa = r.mesa.as_ref().unwrap();
    let ids = mesa.order_ids();
    assert_eq!(ids.len(), 1, "Order Mesa received it once");
    let order = &r.f.orders_of("1001")[0];
    assert_eq!(order.venue, BISTRO);
    assert_eq!(ids[0], order.id, "keyed by the kiosk's order id");
    let body = mesa.state.lock().unwrap().bodies[0].clone();
    let items = body["data"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["externalCode"], "B1");
    assert_eq!(items[0]["quantity"], 1);
    assert!(r.bessa.orders().is_empty(), "Bessa got nothing");
    assert_eq!(r.bessa_posts(), 0);
    assert!(
        r.bessa.server.requests()[before..]
            .iter()
            .all(|q| q.method == "GET"),
        "at most Bessa's menus were read"
    );
}
