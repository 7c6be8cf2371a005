//! Resources a toolkit serves: static ones (text or binary), and resource templates
//! (`scheme://things/{id}`, RFC 6570 level 1) whose contents a Rust function produces.
//! MCP clients list them (`resources/list`, `resources/templates/list`), read them
//! (`resources/read`), complete template parameters (`completion/complete`) and
//! subscribe to changes ([`ResourceUpdates`]).
//!
//! ```
//! use futures_util::FutureExt;
//! use arcade_tdk::{Catalog, Completer, Resource, ResourceContents, ResourceError,
//!     ResourceTemplate, Toolkit};
//!
//! let toolkit = Toolkit::new("Docs")
//!     .resource(Resource::text("docs://readme", "readme", "text/markdown", "# Hello")
//!         .description("The README"))
//!     .resource(Resource::blob("docs://logo", "logo", "image/png", "iVBORw0KGgo="))
//!     .resource_template(
//!         ResourceTemplate::new("docs://pages/{page}", "page", |request| async move {
//!             let page = request.param("page").unwrap_or_default().to_owned();
//!             if page.parse::<u32>().is_err() {
//!                 return Err(ResourceError::invalid_params("page must be a number"));
//!             }
//!             Ok(vec![ResourceContents::text(request.uri(), "text/plain", format!("Page {page}"))])
//!         })
//!         .mime_type("text/plain")
//!         .completer("page", Completer::from_list(["1", "2", "10"])),
//!     );
//! let catalog = Catalog::new(toolkit).unwrap();
//! let resources = catalog.resources();
//! // `read` is async; these functions finish at once.
//! let read = |uri: &str| resources.read(uri).now_or_never().unwrap();
//! assert_eq!(read("docs://pages/7").unwrap()[0].text.as_deref(), Some("Page 7"));
//! assert!(matches!(read("docs://pages/x"), Err(ResourceError::InvalidParams(_))));
//! assert!(matches!(read("docs://nothing"), Err(ResourceError::NotFound(_))));
//! assert_eq!(resources.complete("docs://pages/{page}", "page", "1").unwrap().values, ["1", "10"]);
//! ```

mod context;
mod requirements;
mod set;
mod template;
mod updates;

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use serde_json::{Map, Value, json};

pub use self::set::Resources;
#[cfg_attr(not(feature = "mcp"), allow(unused_imports))]
pub(crate) use self::updates::Listening;
pub use self::updates::ResourceUpdates;
use crate::auth::ToolRequirements;
use crate::completion::Completer;
pub use crate::content::EmbeddedResource as ResourceContents;
use crate::context::ToolContext;
use crate::error::ToolError;
use template::UriTemplate;

impl ResourceContents {
    /// Text contents at `uri`.
    pub fn text(
        uri: impl Into<String>,
        mime_type: impl Into<String>,
        text: impl Into<String>,
    ) -> Self {
        Self {
            uri: uri.into(),
            mime_type: Some(mime_type.into()),
            text: Some(text.into()),
            blob: None,
        }
    }

    /// Binary contents at `uri`, given base64-encoded.
    pub fn blob(
        uri: impl Into<String>,
        mime_type: impl Into<String>,
        base64: impl Into<String>,
    ) -> Self {
        Self {
            uri: uri.into(),
            mime_type: Some(mime_type.into()),
            text: None,
            blob: Some(base64.into()),
        }
    }
}

/// Why a resource could not be read.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ResourceError {
    /// No resource has this URI (MCP: -32002 until 2025-11-25, -32602 from 2026-07-28,
    /// with the URI in the error's data).
    NotFound(String),
    /// The URI matches a template but its parameters are wrong (MCP: -32602).
    InvalidParams(String),
    /// The resource exists but could not be produced (MCP: -32603).
    Failed(String),
    /// The resource's requirements (its token, its secrets) were not met for this
    /// caller, so its function did not run (MCP: -32603 with `errorKind`
    /// `TOOL_REQUIREMENTS_NOT_MET` in the error's data). The error says what the user
    /// must do, as for a tool.
    RequirementsNotMet(ToolError),
    /// The upstream refused the token the resource was read with (a 401: expired or
    /// revoked). The servers forget the cached token for this user and provider, as
    /// after a tool's `UPSTREAM_RUNTIME_AUTH_ERROR`, so the next read gets a fresh one
    /// (MCP: -32603).
    TokenRejected(String),
}

impl From<ToolError> for ResourceError {
    /// A tool error raised while producing a resource (an upstream call the resource
    /// shares with a tool): a requirement that was not met stays one, a 404 from the
    /// upstream is [`ResourceError::NotFound`], bad input is
    /// [`ResourceError::InvalidParams`], a refused token (401) is
    /// [`ResourceError::TokenRejected`], anything else is
    /// [`ResourceError::Failed`] with the error's message.
    ///
    /// ```
    /// use arcade_tdk::{ResourceError, ToolError};
    /// let error = ResourceError::from(ToolError::upstream(404, "no such incident"));
    /// assert_eq!(error, ResourceError::not_found("no such incident"));
    /// let error = ResourceError::from(ToolError::execution("boom"));
    /// assert_eq!(error, ResourceError::failed("boom"));
    /// let error = ResourceError::from(ToolError::upstream(401, "token expired"));
    /// assert!(matches!(error, ResourceError::TokenRejected(_)));
    /// ```
    fn from(error: ToolError) -> Self {
        match error.kind() {
            crate::error::ErrorKind::ToolRequirementsNotMet => Self::RequirementsNotMet(error),
            crate::error::ErrorKind::UpstreamRuntimeNotFound => {
                Self::NotFound(error.message().to_owned())
            }
            crate::error::ErrorKind::ToolRuntimeBadInputValue => {
                Self::InvalidParams(error.message().to_owned())
            }
            crate::error::ErrorKind::UpstreamRuntimeAuthError => {
                Self::TokenRejected(error.message().to_owned())
            }
            _ => Self::Failed(error.message().to_owned()),
        }
    }
}

impl ResourceError {
    /// No resource at `uri`.
    pub fn not_found(uri: impl Into<String>) -> Self {
        Self::NotFound(uri.into())
    }
    /// Bad template parameters, with a message for the client.
    pub fn invalid_params(message: impl Into<String>) -> Self {
        Self::InvalidParams(message.into())
    }
    /// The contents could not be produced.
    pub fn failed(message: impl Into<String>) -> Self {
        Self::Failed(message.into())
    }
}

impl fmt::Display for ResourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFound(uri) => write!(f, "Resource not found: {uri}"),
            Self::InvalidParams(message) => write!(f, "Invalid resource parameters: {message}"),
            Self::Failed(message) => write!(f, "Resource could not be read: {message}"),
            Self::RequirementsNotMet(error) => f.write_str(error.message()),
            Self::TokenRejected(message) => {
                write!(f, "The upstream refused the token: {message}")
            }
        }
    }
}

impl std::error::Error for ResourceError {}

/// What a resource function gets: the URI read, the template's parameters, and the
/// caller's context (the token and secrets the resource declares, the user id).
#[derive(Clone, Debug)]
pub struct ResourceRequest {
    uri: String,
    params: BTreeMap<String, String>,
    context: ToolContext,
}

impl ResourceRequest {
    /// The URI being read.
    pub fn uri(&self) -> &str {
        &self.uri
    }
    /// A template parameter, percent-decoded.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }
    /// Every template parameter.
    pub fn params(&self) -> &BTreeMap<String, String> {
        &self.params
    }
    /// The caller's context: the token of the resource's
    /// [`requires_auth`](ResourceTemplate::requires_auth) for the caller's user id, the
    /// secrets of its [`requires_secrets`](ResourceTemplate::requires_secrets), the user
    /// id and metadata. Empty for a read without a caller
    /// ([`Resources::read`]).
    pub fn context(&self) -> &ToolContext {
        &self.context
    }
}

/// The result of a resource function.
pub type ResourceResult = Result<Vec<ResourceContents>, ResourceError>;

type ReadFn = Arc<dyn Fn(ResourceRequest) -> BoxFuture<'static, ResourceResult> + Send + Sync>;

fn read_fn<F, Fut>(read: F) -> ReadFn
where
    F: Fn(ResourceRequest) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ResourceResult> + Send + 'static,
{
    Arc::new(move |request| Box::pin(read(request)))
}

#[derive(Clone)]
enum Body {
    Fixed(ResourceContents),
    Read(ReadFn),
}

/// Name, title, description and MIME type, as listed.
#[derive(Clone, Debug, Default)]
struct Listing {
    name: String,
    title: Option<String>,
    description: Option<String>,
    mime_type: Option<String>,
}

impl Listing {
    fn to_json(&self, key: &str, uri: &str) -> Value {
        let mut out = Map::new();
        out.insert(key.into(), json!(uri));
        out.insert("name".into(), json!(self.name));
        if let Some(v) = &self.title {
            out.insert("title".into(), json!(v));
        }
        if let Some(v) = &self.description {
            out.insert("description".into(), json!(v));
        }
        if let Some(v) = &self.mime_type {
            out.insert("mimeType".into(), json!(v));
        }
        Value::Object(out)
    }
}

/// A resource at a fixed URI.
#[derive(Clone)]
pub struct Resource {
    uri: String,
    listing: Listing,
    body: Body,
    requirements: ToolRequirements,
}

impl fmt::Debug for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resource")
            .field("uri", &self.uri)
            .field("name", &self.listing.name)
            .finish_non_exhaustive()
    }
}

impl Resource {
    fn fixed(uri: String, name: String, contents: ResourceContents) -> Self {
        Self {
            listing: Listing {
                name,
                mime_type: contents.mime_type.clone(),
                ..Listing::default()
            },
            uri,
            body: Body::Fixed(contents),
            requirements: ToolRequirements::default(),
        }
    }

    /// A text resource.
    pub fn text(
        uri: impl Into<String>,
        name: impl Into<String>,
        mime_type: impl Into<String>,
        text: impl Into<String>,
    ) -> Self {
        let uri = uri.into();
        let contents = ResourceContents::text(uri.clone(), mime_type, text);
        Self::fixed(uri, name.into(), contents)
    }

    /// A binary resource, given base64-encoded.
    pub fn blob(
        uri: impl Into<String>,
        name: impl Into<String>,
        mime_type: impl Into<String>,
        base64: impl Into<String>,
    ) -> Self {
        let uri = uri.into();
        let contents = ResourceContents::blob(uri.clone(), mime_type, base64);
        Self::fixed(uri, name.into(), contents)
    }

    /// A resource whose contents `read` produces at each read (for contents that change;
    /// say so with [`ResourceUpdates`]).
    pub fn dynamic<F, Fut>(uri: impl Into<String>, name: impl Into<String>, read: F) -> Self
    where
        F: Fn(ResourceRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ResourceResult> + Send + 'static,
    {
        Self {
            uri: uri.into(),
            listing: Listing {
                name: name.into(),
                ..Listing::default()
            },
            body: Body::Read(read_fn(read)),
            requirements: ToolRequirements::default(),
        }
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.listing.description = Some(description.into());
        self
    }
    /// Sets the human-readable title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.listing.title = Some(title.into());
        self
    }
    /// Sets the MIME type listed.
    pub fn mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.listing.mime_type = Some(mime_type.into());
        self
    }
    /// The URI.
    pub fn get_uri(&self) -> &str {
        &self.uri
    }
    /// The name.
    pub fn get_name(&self) -> &str {
        &self.listing.name
    }
    /// The listing in MCP's form (`uri`, `name`, `title`, `description`, `mimeType`).
    pub fn to_json(&self) -> Value {
        self.listing.to_json("uri", &self.uri)
    }
    /// Reading it needs this OAuth token (see [`ResourceTemplate::requires_auth`]).
    pub fn requires_auth(mut self, authorization: crate::auth::ToolAuthorization) -> Self {
        requirements::set_auth(&mut self.requirements, authorization);
        self
    }
    /// Reading it needs these secrets (see [`ResourceTemplate::requires_secrets`]).
    pub fn requires_secrets<S: AsRef<str>>(mut self, keys: impl IntoIterator<Item = S>) -> Self {
        requirements::add_secrets(&mut self.requirements, keys);
        self
    }
    /// What reading it needs.
    pub fn requirements(&self) -> &ToolRequirements {
        &self.requirements
    }
}

/// Resources whose URIs match a template (`scheme://things/{id}`), produced by a function.
#[derive(Clone)]
pub struct ResourceTemplate {
    uri_template: String,
    parsed: Result<UriTemplate, String>,
    listing: Listing,
    read: ReadFn,
    completers: BTreeMap<String, Completer>,
    requirements: ToolRequirements,
}

impl fmt::Debug for ResourceTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResourceTemplate")
            .field("uri_template", &self.uri_template)
            .field("name", &self.listing.name)
            .finish_non_exhaustive()
    }
}

impl ResourceTemplate {
    /// A template served by `read`. A template that is not RFC 6570 level 1 (or a
    /// completer for a parameter it lacks) makes the [`Catalog`](crate::Catalog) fail.
    pub fn new<F, Fut>(uri_template: impl Into<String>, name: impl Into<String>, read: F) -> Self
    where
        F: Fn(ResourceRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ResourceResult> + Send + 'static,
    {
        let uri_template = uri_template.into();
        Self {
            parsed: UriTemplate::parse(&uri_template).map_err(|e| e.0),
            uri_template,
            listing: Listing {
                name: name.into(),
                ..Listing::default()
            },
            read: read_fn(read),
            completers: BTreeMap::new(),
            requirements: ToolRequirements::default(),
        }
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.listing.description = Some(description.into());
        self
    }
    /// Sets the human-readable title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.listing.title = Some(title.into());
        self
    }
    /// Sets the MIME type of the resources.
    pub fn mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.listing.mime_type = Some(mime_type.into());
        self
    }
    /// Completes the parameter `param` with `completer`.
    pub fn completer(mut self, param: impl Into<String>, completer: Completer) -> Self {
        self.completers.insert(param.into(), completer);
        self
    }
    /// Reading its resources needs this OAuth token, as a tool's `requires_auth`: the
    /// servers resolve it for the caller's user id (the MCP servers from their token
    /// sources, the worker from the Arcade Engine's request) and the function finds it
    /// in [`ResourceRequest::context`]. A caller without one gets
    /// [`ResourceError::RequirementsNotMet`] and the function does not run.
    ///
    /// ```
    /// use arcade_tdk::auth::ToolAuthorization;
    /// use arcade_tdk::{ResourceContents, ResourceError, ResourceTemplate};
    ///
    /// let template = ResourceTemplate::new("kit://items/{id}", "item", |request| async move {
    ///     let token = request.context().authorization.token().map_err(ResourceError::from)?;
    ///     Ok(vec![ResourceContents::text(request.uri(), "text/plain", format!("{} bytes", token.len()))])
    /// })
    /// .requires_auth(ToolAuthorization::oauth2(Some("examplecorp"), None, Some(&["read"])));
    /// assert_eq!(template.requirements().authorization.as_ref().unwrap().scopes(), ["read"]);
    /// ```
    pub fn requires_auth(mut self, authorization: crate::auth::ToolAuthorization) -> Self {
        requirements::set_auth(&mut self.requirements, authorization);
        self
    }
    /// Reading its resources needs these secrets (from the environment or `.env` for
    /// the MCP servers, from the Engine's request for the worker), found in
    /// [`ResourceRequest::context`]; only the declared ones are given.
    ///
    /// ```
    /// use arcade_tdk::{ResourceContents, ResourceTemplate};
    /// let template = ResourceTemplate::new("kit://items/{id}", "item", |request| async move {
    ///     let key = request.context().get_secret("KIT_API_KEY")?;
    ///     Ok(vec![ResourceContents::text(request.uri(), "text/plain", key.len().to_string())])
    /// })
    /// .requires_secrets(["KIT_API_KEY"]);
    /// assert_eq!(template.requirements().secret_keys().collect::<Vec<_>>(), ["KIT_API_KEY"]);
    /// ```
    pub fn requires_secrets<S: AsRef<str>>(mut self, keys: impl IntoIterator<Item = S>) -> Self {
        requirements::add_secrets(&mut self.requirements, keys);
        self
    }
    /// What reading its resources needs.
    pub fn requirements(&self) -> &ToolRequirements {
        &self.requirements
    }
    /// The template.
    pub fn get_uri_template(&self) -> &str {
        &self.uri_template
    }
    /// The listing in MCP's form (`uriTemplate`, `name`, ...).
    pub fn to_json(&self) -> Value {
        self.listing.to_json("uriTemplate", &self.uri_template)
    }

    /// Why the template cannot be served, if it cannot.
    pub(crate) fn check(&self) -> Result<(), String> {
        let parsed = self.parsed.as_ref().map_err(Clone::clone)?;
        for param in self.completers.keys() {
            if !parsed.variables().any(|v| v == param) {
                return Err(format!(
                    "a completer for `{param}`, which {} does not have",
                    self.uri_template
                ));
            }
        }
        Ok(())
    }
}
