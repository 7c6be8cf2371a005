//! Where front-door auth ([`crate::serve::auth`]) plugs into the HTTP router; without
//! the `front-door` feature every step is a no-op.

use super::HttpOptions;
use super::lean::Lean;
use crate::serve::pipeline::Pipeline;

/// The HTTP options' front door, if any.
pub(super) struct Hook {
    #[cfg(feature = "front-door")]
    door: Option<crate::serve::auth::FrontDoor>,
}

impl Hook {
    pub(super) fn of(http: &HttpOptions) -> Self {
        #[cfg(not(feature = "front-door"))]
        let _ = http;
        Self {
            #[cfg(feature = "front-door")]
            door: http.front_door.clone(),
        }
    }

    /// Whether authenticated callers are served tools that need credentials.
    pub(super) fn is_on(&self) -> bool {
        #[cfg(feature = "front-door")]
        return self.door.is_some();
        #[cfg(not(feature = "front-door"))]
        false
    }

    /// The pipeline's token policy for front-door callers.
    pub(super) fn policy(&self, pipeline: Pipeline) -> Pipeline {
        #[cfg(feature = "front-door")]
        if let Some(door) = &self.door {
            return pipeline.share_developer_tokens(door.config().share_developer_tokens);
        }
        pipeline
    }

    /// The `/mcp` handler, admitting requests through the front door.
    pub(super) fn admit_in(&self, lean: Lean) -> Lean {
        #[cfg(feature = "front-door")]
        return lean.with_front_door(self.door.clone());
        #[cfg(not(feature = "front-door"))]
        lean
    }

    /// The MCP routes plus the front door's metadata routes.
    pub(super) fn with_metadata(&self, router: axum::Router) -> axum::Router {
        #[cfg(feature = "front-door")]
        if let Some(door) = &self.door {
            return router.merge(door.metadata_router());
        }
        router
    }
}
