//! The kiosk's endpoints grouped by listen address: one server per address, so endpoints an
//! admin puts on the same address (the metrics beside a webhook, the peer feed beside the
//! metrics) share one server, and each address is bound once.

use super::{Limits, Router, Server};
use std::io;

/// One endpoint to serve: what it is (for the log), where, its routes and its limits.
pub struct Mount {
    pub what: String,
    pub listen: String,
    pub router: Router,
    pub limits: Limits,
}

/// The endpoints of one address, merged.
struct Address {
    listen: String,
    what: Vec<String>,
    router: Router,
    limits: Limits,
}

/// What starting one address did.
#[derive(Debug)]
pub struct Started {
    pub listen: String,
    /// The endpoints on it, e.g. ["webhook of hall-b", "metrics"].
    pub what: Vec<String>,
    pub server: io::Result<Server>,
}

/// Endpoints collected before the servers start.
#[derive(Default)]
pub struct Mounts {
    addresses: Vec<Address>,
}

impl Mounts {
    pub fn new() -> Mounts {
        Mounts::default()
    }

    /// Adds an endpoint. On an address that has endpoints already, its routes join theirs
    /// and the server gets the larger of the limits; a route that clashes with one already
    /// there (same method and path) is left out and logged.
    pub fn add(&mut self, mount: Mount) {
        let Some(address) = self.addresses.iter_mut().find(|a| a.listen == mount.listen) else {
            self.addresses.push(Address {
                listen: mount.listen,
                what: vec![mount.what],
                router: mount.router,
                limits: mount.limits,
            });
            return;
        };
        for clash in address.router.merge(mount.router) {
            log::error!(
                "{} on {}: {clash} is taken by {}; give it its own address or path",
                mount.what,
                address.listen,
                address.what.join(", ")
            );
        }
        address.what.push(mount.what);
        address.limits = larger(&address.limits, &mount.limits);
    }

    /// Whether any endpoint was added.
    pub fn is_empty(&self) -> bool {
        self.addresses.is_empty()
    }

    /// Binds and starts one server per address.
    pub fn start(self) -> Vec<Started> {
        self.addresses
            .into_iter()
            .map(|a| Started {
                server: Server::bind(&a.listen, a.router, a.limits),
                listen: a.listen,
                what: a.what,
            })
            .collect()
    }
}

/// Limits that serve both endpoints: the more workers and queue, the longer deadline, the
/// larger head.
fn larger(a: &Limits, b: &Limits) -> Limits {
    Limits {
        workers: a.workers.max(b.workers),
        queue: a.queue.max(b.queue),
        deadline: a.deadline.max(b.deadline),
        max_head: a.max_head.max(b.max_head),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::Response;

    fn mount(what: &str, listen: &str, path: &str, workers: usize) -> Mount {
        Mount {
            what: what.to_string(),
            listen: listen.to_string(),
            router: Router::new().route("GET", path, 0, |_| Response::text(200, "ok")),
            limits: Limits {
                workers,
                ..Limits::default()
            },
        }
    }

    #[test]
    fn endpoints_on_one_address_share_a_server_with_the_larger_limits() {
        let mut mounts = Mounts::new();
        mounts.add(mount("webhook", "127.0.0.1:0", "/", 4));
        mounts.add(mount("metrics", "127.0.0.1:0", "/metrics", 2));
        mounts.add(mount("peers", "127.0.0.1:1", "/peer", 64));
        assert_eq!(mounts.addresses.len(), 2);
        let first = &mounts.addresses[0];
        assert_eq!(first.what, vec!["webhook", "metrics"]);
        assert_eq!(first.limits.workers, 4);
        assert!(first.router.find("GET", "/metrics").is_ok());
        assert!(first.router.find("GET", "/").is_ok());
    }
}
