//! How the worker tells the rest of the program that something changed, without knowing who
//! listens (the UI bridges this onto its event loop; tests collect the changes).

use std::sync::{Arc, Mutex};

/// What changed; listeners re-read the store for the details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Change {
    /// An order changed state (sent, confirmed, expired, cancelled by the kitchen, …).
    Orders,
    /// A menu was refreshed.
    Menus,
    /// The sync status changed (online/offline, clock trust, queue).
    Status,
    /// A config reload happened (a new config to take, or problems to show the admin).
    Config,
}

type Listener = Arc<dyn Fn(Change) + Send + Sync>;

/// The listeners of worker changes. Cheap to clone; all clones share the list.
#[derive(Clone, Default)]
pub struct Listeners(Arc<Mutex<Vec<Listener>>>);

impl Listeners {
    pub fn add(&self, listener: impl Fn(Change) + Send + Sync + 'static) {
        self.lock().push(Arc::new(listener));
    }

    /// Calls every listener. They run on a copy of the list taken under the lock, after it is
    /// released: a listener may add a listener or notify again without deadlocking, and a slow
    /// one does not hold up `add` on other threads.
    pub fn notify(&self, change: Change) {
        let listeners: Vec<Listener> = self.lock().clone();
        for l in listeners {
            l(change);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Listener>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// What the worker last knew, for the idle screen's banners and the admin screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncStatus {
    /// The last vendor contact failed because the vendor could not be reached.
    pub offline: bool,
    /// Why the clock is not trusted, if it is not.
    pub clock_doubt: Option<String>,
    /// Rows waiting to be sent.
    pub queued: u64,
    /// Rows parked for an admin.
    pub parked: u64,
    /// The last error of any vendor call, for the admin.
    pub last_error: Option<String>,
}

/// The status shared between the worker (writer) and the UI (reader).
#[derive(Clone, Default)]
pub struct SharedStatus(Arc<Mutex<SyncStatus>>);

impl SharedStatus {
    pub fn get(&self) -> SyncStatus {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Updates the status; returns whether it changed.
    pub fn update(&self, f: impl FnOnce(&mut SyncStatus)) -> bool {
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let before = g.clone();
        f(&mut g);
        *g != before
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn a_listener_may_add_and_notify_from_its_callback() {
        let listeners = Listeners::default();
        let calls = Arc::new(AtomicU32::new(0));
        let (inner, counted) = (listeners.clone(), calls.clone());
        listeners.add(move |change| {
            // Both take the lock: this deadlocked while listeners ran under it.
            if counted.fetch_add(1, Ordering::SeqCst) == 0 {
                inner.add(|_| {});
                inner.notify(change);
            }
        });
        listeners.notify(Change::Orders);
        // The outer call and the nested one; the listener added meanwhile runs from the next
        // notify on.
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert_eq!(listeners.lock().len(), 2);
    }
}
