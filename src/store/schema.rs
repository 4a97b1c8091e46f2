//! The schema and its migrations: one ordered list of steps, [`MIGRATIONS`]; the file's
//! `user_version` is the number of steps it has had, so the current version is the length of
//! the list and a new step is one more entry, nothing else. All pending steps run in the one
//! transaction that also bumps the version, so a power cut leaves the file at the old or the
//! new version, never between.

use rusqlite::{Connection, Transaction};

/// One step of the schema: what brings a file from the version before to this one.
/// Never edit a released step: old files were made by it (the fixtures in
/// `tests/fixtures/schema/` keep each old version as it was written).
pub struct Migration {
    /// What the step is for, for the log when a file is upgraded.
    pub purpose: &'static str,
    pub sql: &'static str,
}

/// Every step in order: step `i` (from 0) brings a file to version `i + 1`.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        purpose: "the first released schema",
        sql: V1,
    },
    Migration {
        purpose: "order history and vendor contact",
        sql: V2,
    },
    Migration {
        purpose: "indexes for the sync worker's hot queries",
        sql: V3,
    },
    Migration {
        purpose: "the vendor's order lists per venue and day",
        sql: V4,
    },
    Migration {
        purpose: "webhook events kept before they are acknowledged; vendor poll times",
        sql: V5,
    },
    Migration {
        purpose: "the orders of the canteen's other kiosks, as their feeds last gave them",
        sql: V6,
    },
    Migration {
        purpose: "what each employee asked the kiosk to remember: preferences, watched dishes",
        sql: V7,
    },
    Migration {
        purpose: "what the kiosk told each employee once and does not repeat",
        sql: V8,
    },
];

/// The newest schema version this binary writes.
pub const CURRENT_VERSION: u32 = MIGRATIONS.len() as u32;

/// Version 1: the first released schema. Never edit: old files were made by it.
const V1: &str = r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE employees (
    badge           TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    email           TEXT,
    employee_number TEXT,
    role            TEXT NOT NULL
);
CREATE TABLE menu_days (
    venue         TEXT NOT NULL,
    day           TEXT NOT NULL,          -- local date YYYY-MM-DD
    vendor_day_id TEXT,
    fetched_at    INTEGER NOT NULL,       -- unix seconds
    source        TEXT NOT NULL,
    PRIMARY KEY (venue, day)
);
CREATE TABLE articles (
    venue          TEXT NOT NULL,
    day            TEXT NOT NULL,
    position       INTEGER NOT NULL,
    vendor_id      TEXT NOT NULL,
    name           TEXT NOT NULL,
    description    TEXT NOT NULL,
    price_cents    INTEGER NOT NULL,
    vat_hundredths INTEGER,
    allergens      TEXT NOT NULL,
    portions_left  INTEGER,
    sold_out       INTEGER NOT NULL,
    PRIMARY KEY (venue, day, position),
    FOREIGN KEY (venue, day) REFERENCES menu_days (venue, day) ON DELETE CASCADE
);
CREATE TABLE orders (
    id                  TEXT PRIMARY KEY,
    venue               TEXT NOT NULL,
    badge               TEXT NOT NULL,
    day                 TEXT NOT NULL,
    serving             INTEGER NOT NULL,
    state               TEXT NOT NULL,
    state_before_cancel TEXT,
    vendor_ref          TEXT,
    vendor_hash         TEXT,
    vendor_status       TEXT,
    reason              TEXT,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX orders_by_badge ON orders (badge, day);
CREATE INDEX orders_by_venue_day ON orders (venue, day);
CREATE TABLE order_lines (
    order_id         TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    article_id       TEXT NOT NULL,
    name             TEXT NOT NULL,
    quantity         INTEGER NOT NULL,
    unit_price_cents INTEGER NOT NULL,
    vat_hundredths   INTEGER,
    PRIMARY KEY (order_id, position)
);
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT NOT NULL,        -- place | cancel
    order_id        TEXT NOT NULL REFERENCES orders (id),
    status          TEXT NOT NULL,        -- pending | in_flight | parked | done
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
"#;

/// Version 2: an order history (what changed, for the kitchen's "new since last look" and the
/// admin's audit) and the last contact with each vendor.
const V2: &str = r#"
CREATE TABLE order_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id   TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    from_state TEXT,
    to_state   TEXT NOT NULL,
    note       TEXT
);
CREATE INDEX order_events_by_order ON order_events (order_id);
CREATE TABLE vendor_contact (
    venue         TEXT PRIMARY KEY,
    last_ok_at    INTEGER,
    last_error    TEXT,
    last_error_at INTEGER
);
"#;

/// Version 3: indexes for the worker's hot queries (live orders by state, an order's outbox
/// rows), which otherwise scan every order on every pass.
const V3: &str = r#"
CREATE INDEX orders_by_state ON orders (state);
CREATE INDEX outbox_by_order ON outbox (order_id, status);
"#;

/// Version 4: the vendor's own list of a venue's orders per day (Liefersoft
/// `GET /{restaurantId}/orders`), for the kitchen view: every order of the restaurant, not only
/// this kiosk's. A day's list is replaced as a whole on each fetch.
const V4: &str = r#"
CREATE TABLE venue_day_lists (
    venue      TEXT NOT NULL,
    day        TEXT NOT NULL,          -- local date YYYY-MM-DD
    fetched_at INTEGER NOT NULL,       -- unix seconds
    complete   INTEGER NOT NULL,       -- 0: the vendor had more pages than the kiosk reads
    PRIMARY KEY (venue, day)
);
CREATE TABLE venue_day_orders (
    venue      TEXT NOT NULL,
    day        TEXT NOT NULL,
    ref_id     TEXT NOT NULL,          -- the client's order id (the kiosk's id for its own)
    customer   TEXT NOT NULL,
    state      TEXT NOT NULL,          -- the kiosk's word for the vendor status
    raw_status TEXT NOT NULL,
    reason     TEXT,
    lines      TEXT NOT NULL,          -- JSON [{"name", "quantity", "unit_price_cents"}]
    PRIMARY KEY (venue, day, ref_id),
    FOREIGN KEY (venue, day) REFERENCES venue_day_lists (venue, day) ON DELETE CASCADE
);
"#;

/// Version 5: every verified webhook event is written here before the receiver answers 2xx
/// (the platform does not send it again), applied by the worker from here, and kept as the
/// record of seen event ids; and the times of the vendor calls that a vendor limits (status per
/// order, bulk polls and order lists per venue), so the limits hold across processes.
const V5: &str = r#"
CREATE TABLE webhook_events (
    venue       TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    received_at INTEGER NOT NULL,       -- unix seconds
    body        TEXT NOT NULL,          -- the raw body (JSON) whose signature was verified
    applied_at  INTEGER,                -- NULL: the worker has not applied it yet
    note        TEXT,                   -- what applying it did (or why it did nothing)
    PRIMARY KEY (venue, event_id)
);
CREATE INDEX webhook_events_to_apply ON webhook_events (received_at) WHERE applied_at IS NULL;
CREATE TABLE poll_times (
    what TEXT NOT NULL,                 -- status (key: order id) | bulk | list (key: venue)
    key  TEXT NOT NULL,
    at   INTEGER NOT NULL,              -- unix seconds: last call (status) or next due (bulk, list)
    PRIMARY KEY (what, key)
);
"#;

/// Version 6: what this kiosk last heard from each peer kiosk of `[peers] from` (their orders
/// and when it heard), so a kitchen display that restarts shows the last known state at once.
/// A peer's order is kept as its feed gave it (the wire format lives in `peers::wire`).
const V6: &str = r#"
CREATE TABLE peer_orders (
    peer      TEXT NOT NULL,            -- the peer's URL as configured
    id        TEXT NOT NULL,            -- the order's id at the peer
    venue     TEXT NOT NULL,
    day       TEXT NOT NULL,            -- local date YYYY-MM-DD
    badge_key TEXT NOT NULL,            -- the employee, keyed (never the badge number)
    body      TEXT NOT NULL,            -- the order as the feed gave it (JSON)
    PRIMARY KEY (peer, id)
);
CREATE INDEX peer_orders_by_day ON peer_orders (venue, day);
CREATE INDEX peer_orders_by_badge ON peer_orders (badge_key, day);
CREATE TABLE peer_status (
    peer       TEXT PRIMARY KEY,
    kiosk_name TEXT,                    -- the peer's [kiosk] name, as it said
    epoch      TEXT,                    -- the peer's database; another one: read it anew
    cursor     INTEGER NOT NULL DEFAULT 0,
    heard_at   INTEGER,                 -- unix seconds of the last answer
    error      TEXT,                    -- why the last try failed, in words
    error_at   INTEGER
);
"#;

/// Version 7: per badge, what the employee asked the kiosk to remember (personal data: the
/// README's "What the kiosk keeps" says for how long): the venue they picked and the reading
/// aids they switched on, and the sold-out dishes they want to hear about, each until the
/// day's order cutoff.
const V7: &str = r#"
CREATE TABLE badge_prefs (
    badge         TEXT PRIMARY KEY,
    venue         TEXT,                 -- the venue picked last (config key); NULL: none
    large_text    INTEGER NOT NULL,     -- 0 | 1
    high_contrast INTEGER NOT NULL,     -- 0 | 1
    updated       INTEGER NOT NULL      -- unix seconds
);
CREATE TABLE dish_watches (
    badge TEXT NOT NULL,
    venue TEXT NOT NULL,
    day   TEXT NOT NULL,                -- local date YYYY-MM-DD
    dish  TEXT NOT NULL,                -- the article's vendor id
    until INTEGER NOT NULL,             -- unix seconds: the day's order cutoff, when it ends
    PRIMARY KEY (badge, venue, day, dish)
);
CREATE INDEX dish_watches_by_until ON dish_watches (until);
"#;

/// Version 8: what the kiosk told an employee once and must not say again (personal data, as
/// version 7's): per badge and notice, what it was about — for the next-week reminder, the
/// Monday of the week it was about. One row per badge and notice, replaced.
const V8: &str = r#"
CREATE TABLE badge_told (
    badge  TEXT NOT NULL,
    notice TEXT NOT NULL,               -- 'next-week'
    about  TEXT NOT NULL,               -- next-week: that week's Monday, YYYY-MM-DD
    at     INTEGER NOT NULL,            -- unix seconds
    PRIMARY KEY (badge, notice)
);
"#;

/// Brings a database from version `from` to [`CURRENT_VERSION`] inside `tx`: runs the steps
/// it has not had yet. The caller has refused a file newer than this program.
pub fn upgrade(tx: &Transaction<'_>, from: u32) -> rusqlite::Result<()> {
    for step in MIGRATIONS.iter().skip(from as usize) {
        log::debug!("schema step: {}", step.purpose);
        tx.execute_batch(step.sql)?;
    }
    tx.pragma_update(None, "user_version", CURRENT_VERSION)?;
    Ok(())
}

pub fn version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}
