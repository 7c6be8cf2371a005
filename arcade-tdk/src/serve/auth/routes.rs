//! The front door's HTTP side: the protected resource metadata (RFC 9728), and the
//! admission of a request to `/mcp` only with a valid bearer token (RFC 6750 challenges
//! otherwise): [`FrontDoor::admit`] and [`FrontDoor::settle`], which the `/mcp` handler
//! calls itself, and the same as a middleware ([`FrontDoor::protect`]) that hands the
//! validated [`ResourceOwner`] on in the request's extensions.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::FrontDoor;
use crate::owner::ResourceOwner;

/// The validated caller of a request, as the middleware leaves it in the request's
/// extensions (rmcp passes the request's `Parts` to the handler).
#[derive(Clone, Debug)]
pub(crate) struct Authenticated(pub(crate) Arc<ResourceOwner>);

/// The metadata document.
pub(super) async fn metadata(State(door): State<FrontDoor>) -> Response {
    (
        [(header::CACHE_CONTROL, "public, max-age=3600")],
        axum::Json(door.metadata()),
    )
        .into_response()
}

/// A request the front door let in: who sent it, and the session it names, so that
/// [`FrontDoor::settle`] can bind a session it opens to that user.
pub(crate) struct Admitted {
    /// The validated caller; `None` for a CORS preflight (which carries no credentials).
    pub(crate) owner: Option<Arc<ResourceOwner>>,
    session: Option<String>,
    ends_session: bool,
}

impl FrontDoor {
    /// Admits a request with a valid token, or gives the 401 (or 403, or 404 for another
    /// user's session) to answer instead. The `Authorization` header is taken out of
    /// `headers`: nothing after the front door needs the token, and anything that logged
    /// the request's parts would leak it.
    pub(crate) async fn admit(
        &self,
        method: &Method,
        headers: &mut HeaderMap,
    ) -> Result<Admitted, Response> {
        // CORS preflights carry no credentials (as in Arcade's Python server).
        if method == Method::OPTIONS {
            return Ok(Admitted {
                owner: None,
                session: None,
                ends_session: false,
            });
        }
        let checked = match bearer(headers) {
            Bearer::Missing => return Err(self.challenge(None)),
            Bearer::Malformed(why) => {
                tracing::debug!("front door: refused a request: {why}");
                return Err(self.challenge(Some(("invalid_request", why))));
            }
            Bearer::Token(token) => self.validate_shared(token).await,
        };
        let owner = match checked {
            Ok(owner) => owner,
            Err(rejection) => {
                tracing::debug!("front door: refused an access token: {rejection}");
                return Err(self.challenge(Some(("invalid_token", rejection.description()))));
            }
        };
        if let Some(missing) = self
            .inner
            .config
            .required_scopes
            .iter()
            .find(|s| !owner.has_scope(s))
        {
            tracing::debug!(scope = %missing, "front door: refused a token without a required scope");
            return Err(self.insufficient_scope(missing));
        }
        let session = headers
            .get(SESSION_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if let Some(id) = &session
            && !self
                .inner
                .sessions
                .allows(id, &owner.issuer, &owner.user_id)
        {
            tracing::warn!("front door: refused a session opened by another user");
            return Err((
                StatusCode::NOT_FOUND,
                axum::Json(json!({
                    "error": "session_not_found",
                    "error_description": "No session with this id was opened by this user.",
                })),
            )
                .into_response());
        }
        headers.remove(header::AUTHORIZATION);
        Ok(Admitted {
            owner: Some(owner),
            session,
            ends_session: method == Method::DELETE,
        })
    }

    /// After the answer to an [admitted](FrontDoor::admit) request: a session it opened
    /// is bound to its user, one it ended is forgotten.
    pub(crate) fn settle(&self, admitted: &Admitted, response: &Response) {
        let Some(owner) = &admitted.owner else {
            return;
        };
        match (&admitted.session, response.headers().get(SESSION_HEADER)) {
            (None, Some(opened)) => {
                if let Ok(id) = opened.to_str() {
                    self.inner
                        .sessions
                        .bind(id, (owner.issuer.clone(), owner.user_id.clone()));
                }
            }
            (Some(id), _) if admitted.ends_session && response.status().is_success() => {
                self.inner.sessions.unbind(id);
            }
            _ => {}
        }
    }
}

/// Admits requests with a valid token; answers the others 401 (or 403). The
/// middleware form of [`FrontDoor::admit`], for routes other than the `/mcp` handler
/// (which admits requests itself, without a layer).
pub(super) async fn require_token(
    State(door): State<FrontDoor>,
    mut request: Request,
    next: Next,
) -> Response {
    let (method, headers) = (request.method().clone(), request.headers_mut());
    let admitted = match door.admit(&method, headers).await {
        Ok(admitted) => admitted,
        Err(refusal) => return refusal,
    };
    if let Some(owner) = &admitted.owner {
        request
            .extensions_mut()
            .insert(Authenticated(owner.clone()));
    }
    let response = next.run(request).await;
    door.settle(&admitted, &response);
    response
}

/// The MCP session header of 2025-era clients.
const SESSION_HEADER: &str = "mcp-session-id";

enum Bearer<'a> {
    Missing,
    Malformed(&'static str),
    Token(&'a str),
}

fn bearer(headers: &HeaderMap) -> Bearer<'_> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Bearer::Missing;
    };
    if values.next().is_some() {
        return Bearer::Malformed("The request carries more than one Authorization header.");
    }
    let Ok(value) = value.to_str() else {
        return Bearer::Malformed("The Authorization header is not visible ASCII.");
    };
    let Some((scheme, token)) = value.split_once(' ') else {
        return Bearer::Malformed("The Authorization header must be `Bearer <access token>`.");
    };
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Bearer::Malformed("The Authorization header must be `Bearer <access token>`.");
    }
    Bearer::Token(token)
}

impl FrontDoor {
    /// 401 with the RFC 6750 / RFC 9728 challenge; `error` when a token was sent but
    /// refused.
    pub(super) fn challenge(&self, error: Option<(&str, &str)>) -> Response {
        let config = &self.inner.config;
        let mut params = vec![format!("resource_metadata=\"{}\"", self.metadata_url())];
        if !config.default_challenge_scopes.is_empty() {
            params.push(format!(
                "scope=\"{}\"",
                config.default_challenge_scopes.join(" ")
            ));
        }
        let body = match error {
            Some((code, description)) => {
                params.push(format!("error=\"{code}\""));
                params.push(format!("error_description=\"{}\"", quotable(description)));
                json!({"error": code, "error_description": description})
            }
            None => json!({
                "error": "unauthorized",
                "error_description": format!(
                    "This MCP server requires an OAuth access token: send `Authorization: Bearer <token>`. \
                     The authorization servers are listed at {}.",
                    self.metadata_url()
                ),
            }),
        };
        self.error_response(StatusCode::UNAUTHORIZED, &params, body)
    }

    /// 403 `insufficient_scope` naming `scope`.
    pub(super) fn insufficient_scope(&self, scope: &str) -> Response {
        let description = format!("The access token lacks the scope '{scope}'.");
        let params = [
            "error=\"insufficient_scope\"".to_owned(),
            format!("scope=\"{}\"", self.inner.config.required_scopes.join(" ")),
            format!("resource_metadata=\"{}\"", self.metadata_url()),
            format!("error_description=\"{}\"", quotable(&description)),
        ];
        let body = json!({
            "error": "insufficient_scope",
            "error_description": description,
            "scope": scope,
        });
        self.error_response(StatusCode::FORBIDDEN, &params, body)
    }

    fn error_response(
        &self,
        status: StatusCode,
        params: &[String],
        body: serde_json::Value,
    ) -> Response {
        let mut response = (status, axum::Json(body)).into_response();
        let challenge = format!("Bearer {}", params.join(", "));
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
        response.headers_mut().insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("WWW-Authenticate, Mcp-Session-Id"),
        );
        response
    }
}

/// `text` as the content of an RFC 6750 quoted string (no `"` or `\`, printable ASCII).
fn quotable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '"' => '\'',
            '\\' => '/',
            c if c.is_ascii_graphic() || c == ' ' => c,
            _ => '?',
        })
        .collect()
}
