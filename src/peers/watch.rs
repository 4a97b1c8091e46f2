//! Waiting for the next change of the store's orders, for the feed's long polls: one thread
//! reads the change cursor while anyone waits (every [`LOOK_EVERY`]), and none while nobody
//! does; any number of waiting requests share its reads.
//!
//! The cursor is read from the store, not told by the writers, because orders are written by
//! this process's UI and worker and by CLI commands in other processes alike.

use crate::store::Store;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How often the cursor is read while a request waits: a change reaches a waiting peer this
/// much after it was saved, at most.
pub const LOOK_EVERY: Duration = Duration::from_millis(250);

#[derive(Default)]
struct State {
    /// The newest cursor read.
    cursor: i64,
    waiting: usize,
}

/// The shared waiting room.
pub struct Watch {
    state: Mutex<State>,
    /// Told when the cursor moved (waiters) or someone started waiting (the reader).
    moved: Condvar,
    started: Condvar,
}

impl Watch {
    /// Starts the reading thread on its own store connection.
    pub fn start(store: Store) -> std::io::Result<Arc<Watch>> {
        let cursor = store.last_event_id().unwrap_or(0);
        let watch = Arc::new(Watch {
            state: Mutex::new(State { cursor, waiting: 0 }),
            moved: Condvar::new(),
            started: Condvar::new(),
        });
        let reader = watch.clone();
        std::thread::Builder::new()
            .name("peer-feed-watch".into())
            .spawn(move || reader.read_while_waited_for(&store))?;
        Ok(watch)
    }

    /// Waits until the cursor is past `since` or `timeout` passed; returns the cursor.
    pub fn wait_past(&self, since: i64, timeout: Duration) -> i64 {
        let until = Instant::now() + timeout;
        let mut state = self.lock();
        state.waiting += 1;
        self.started.notify_one();
        while state.cursor <= since {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            state = self
                .moved
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        state.waiting -= 1;
        state.cursor
    }

    fn read_while_waited_for(&self, store: &Store) {
        loop {
            {
                let mut state = self.lock();
                while state.waiting == 0 {
                    state = self
                        .started
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner);
                }
            }
            match store.last_event_id() {
                Ok(cursor) => {
                    let mut state = self.lock();
                    if cursor != state.cursor {
                        state.cursor = cursor;
                        self.moved.notify_all();
                    }
                }
                Err(e) => log::warn!("peer feed: cannot read the change cursor: {e}"),
            }
            std::thread::sleep(LOOK_EVERY);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
