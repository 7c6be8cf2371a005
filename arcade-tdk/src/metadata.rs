//! Arcade's `ToolMetadata`: what kind of service a tool talks to and what effects it
//! has. MCP clients see the behaviour as tool annotations (`readOnlyHint`, ...).
//!
//! ```
//! use arcade_tdk::metadata::{Behavior, Operation, ToolMetadata};
//!
//! let metadata = ToolMetadata {
//!     behavior: Some(Behavior {
//!         operations: vec![Operation::Read],
//!         read_only: Some(true),
//!         ..Behavior::default()
//!     }),
//!     ..ToolMetadata::default()
//! };
//! assert!(metadata.validate().is_ok());
//! ```

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Defines a vocabulary enum and the list of all its variants (for `__private`, whose
/// lists the `#[tool]` macro's tests compare with the macro's own), from one list.
macro_rules! vocabulary {
    (
        $(#[$attr:meta])*
        pub enum $name:ident { $($(#[$vattr:meta])* $variant:ident,)* }
        all: $all:ident;
    ) => {
        $(#[$attr])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vattr])* $variant,)*
        }

        impl $name {
            /// Every variant, in declaration order.
            pub(crate) const $all: &'static [$name] = &[$($name::$variant,)*];
        }
    };
}

vocabulary! {
    /// Kinds of service a tool talks to (Arcade's `ServiceDomain`).
    #[allow(missing_docs)]
    pub enum ServiceDomain {
        ProjectManagement,
        Crm,
        Contacts,
        Email,
        Calendar,
        Messaging,
        Documents,
        CloudStorage,
        Spreadsheets,
        Presentations,
        Design,
        SourceCode,
        Payments,
        SocialMedia,
        VideoHosting,
        MusicStreaming,
        CustomerSupport,
        Ecommerce,
        IncidentManagement,
        WebScraping,
        CodeSandbox,
        VideoConferencing,
        Geospatial,
        FinancialData,
        Travel,
        ProductAnalytics,
        Observability,
        SalesIntelligence,
        Survey,
        BusinessIntelligence,
    }
    all: ALL;
}

vocabulary! {
    /// What a tool does to the world (Arcade's `Operation`).
    pub enum Operation {
        /// Reads data.
        Read,
        /// Creates something.
        Create,
        /// Changes something.
        Update,
        /// Deletes something.
        Delete,
        /// Its effects depend on its inputs (e.g. running a command).
        Opaque,
    }
    all: ALL;
}

/// The classification of a tool, for discovery.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    /// The kinds of service the tool talks to.
    pub service_domains: Option<Vec<ServiceDomain>>,
}

/// What effects a tool has. Projected to MCP's tool annotations.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Behavior {
    /// The operations it performs.
    pub operations: Vec<Operation>,
    /// It changes nothing (`readOnlyHint`).
    pub read_only: Option<bool>,
    /// It may destroy data (`destructiveHint`).
    pub destructive: Option<bool>,
    /// Repeating a call has no further effect (`idempotentHint`).
    pub idempotent: Option<bool>,
    /// It talks to the outside world (`openWorldHint`).
    pub open_world: Option<bool>,
}

/// Arcade's `ToolMetadata`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ToolMetadata {
    /// What kind of service the tool talks to.
    pub classification: Option<Classification>,
    /// What effects it has.
    pub behavior: Option<Behavior>,
    /// Free-form key/values for custom logic.
    pub extras: Option<Map<String, Value>>,
}

impl ToolMetadata {
    /// Checks Arcade's consistency rules: a mutating operation is not read-only, a
    /// delete is destructive, an opaque tool is not read-only, and a tool with a
    /// service domain talks to the open world.
    pub fn validate(&self) -> Result<(), String> {
        let Some(b) = &self.behavior else {
            return Ok(());
        };
        let mutating = b
            .operations
            .iter()
            .any(|o| matches!(o, Operation::Create | Operation::Update | Operation::Delete));
        if mutating && b.read_only == Some(true) {
            return Err(
                "a tool with a mutating operation (create, update, delete) cannot be read_only"
                    .into(),
            );
        }
        if b.operations.contains(&Operation::Opaque) && b.read_only == Some(true) {
            return Err("a tool with the opaque operation cannot be read_only".into());
        }
        if b.operations.contains(&Operation::Delete) && b.destructive == Some(false) {
            return Err("a tool with the delete operation must be destructive".into());
        }
        let has_domain = self
            .classification
            .as_ref()
            .and_then(|c| c.service_domains.as_ref())
            .is_some_and(|d| !d.is_empty());
        if has_domain && b.open_world == Some(false) {
            return Err("a tool with a service domain must be open_world".into());
        }
        Ok(())
    }

    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        self.classification.is_none() && self.behavior.is_none() && self.extras.is_none()
    }
}
