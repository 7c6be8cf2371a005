//! [`ResourceUpdates`]: the handle a toolkit uses to say that a resource changed; every
//! MCP session subscribed to that URI gets `notifications/resources/updated`.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

type Listener = Arc<dyn Fn(&str) + Send + Sync>;

#[derive(Default)]
struct Listeners {
    next: AtomicU64,
    by_id: Mutex<HashMap<u64, Listener>>,
}

/// Says that resources changed. Cheap to clone; every clone reaches the same sessions.
/// Take it from [`Toolkit::resource_updates`](crate::Toolkit::resource_updates) before
/// the toolkit is served, and call [`updated`](Self::updated) when a resource changes.
///
/// ```
/// use arcade_tdk::{Resource, Toolkit};
///
/// let toolkit = Toolkit::new("Watcher")
///     .resource(Resource::text("test://watched-resource", "watched", "text/plain", "v1"));
/// let updates = toolkit.resource_updates();
/// // Later, from any thread: sessions subscribed to the URI are notified.
/// updates.updated("test://watched-resource");
/// ```
#[derive(Clone, Default)]
pub struct ResourceUpdates {
    listeners: Arc<Listeners>,
}

impl fmt::Debug for ResourceUpdates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.lock().len();
        f.debug_struct("ResourceUpdates")
            .field("listeners", &count)
            .finish()
    }
}

impl ResourceUpdates {
    /// A handle no session listens to yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Says that the resource at `uri` changed.
    pub fn updated(&self, uri: &str) {
        let listeners: Vec<Listener> = self.lock().values().cloned().collect();
        for listener in listeners {
            listener(uri);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Listener>> {
        self.listeners
            .by_id
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Calls `listener` with every updated URI until the returned guard is dropped.
    #[cfg_attr(not(feature = "mcp"), allow(dead_code))]
    pub(crate) fn listen(&self, listener: impl Fn(&str) + Send + Sync + 'static) -> Listening {
        let id = self.listeners.next.fetch_add(1, Ordering::Relaxed);
        self.lock().insert(id, Arc::new(listener));
        Listening {
            updates: self.clone(),
            id,
        }
    }
}

/// Stops a listener when dropped.
#[cfg_attr(not(feature = "mcp"), allow(dead_code))]
pub(crate) struct Listening {
    updates: ResourceUpdates,
    id: u64,
}

impl Drop for Listening {
    fn drop(&mut self) {
        self.updates.lock().remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listeners_hear_updates_until_dropped() {
        let updates = ResourceUpdates::new();
        let heard = Arc::new(Mutex::new(Vec::new()));
        let sink = heard.clone();
        let guard = updates.listen(move |uri| sink.lock().unwrap().push(uri.to_owned()));
        updates.clone().updated("a://1");
        drop(guard);
        updates.updated("a://2");
        assert_eq!(*heard.lock().unwrap(), ["a://1"]);
        assert!(format!("{updates:?}").contains("listeners: 0"));
    }
}
