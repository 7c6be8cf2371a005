//! The front door's HTTP side: the protected resource metadata (RFC 9728), and the
//! middleware that admits a request to `/mcp` only with a valid bearer token (RFC 6750
//! challenges otherwise) and hands the validated [`ResourceOwner`] on in the request's
//! extensions.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
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

/// Admits requests with a valid token; answers the others 401 (or 403).
pub(super) async fn require_token(
    State(door): State<FrontDoor>,
    mut request: Request,
    next: Next,
) -> Response {
    // CORS preflights carry no credentials (as in Arcade's Python server).
    if request.method() == Method::OPTIONS {
        return next.run(request).await;
    }
    let checked = match bearer(request.headers()) {
        Bearer::Missing => return door.challenge(None),
        Bearer::Malformed(why) => {
            tracing::debug!("front door: refused a request: {why}");
            return door.challenge(Some(("invalid_request", why)));
        }
        Bearer::Token(token) => door.validate_shared(token).await,
    };
    let owner = match checked {
        Ok(owner) => owner,
        Err(rejection) => {
            tracing::debug!("front door: refused an access token: {rejection}");
            return door.challenge(Some(("invalid_token", rejection.description())));
        }
    };
    if let Some(missing) = door
        .inner
        .config
        .required_scopes
        .iter()
        .find(|s| !owner.has_scope(s))
    {
        tracing::debug!(scope = %missing, "front door: refused a token without a required scope");
        return door.insufficient_scope(missing);
    }
    let session = request
        .headers()
        .get(SESSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(id) = &session
        && !door
            .inner
            .sessions
            .allows(id, &owner.issuer, &owner.user_id)
    {
        tracing::warn!("front door: refused a session opened by another user");
        return (
            StatusCode::NOT_FOUND,
            axum::Json(json!({
                "error": "session_not_found",
                "error_description": "No session with this id was opened by this user.",
            })),
        )
            .into_response();
    }
    let ends_session = request.method() == Method::DELETE;
    // The token stops here: rmcp hands the request's parts on to the handler, where
    // nothing needs it and anything that logged them would leak it.
    request.headers_mut().remove(header::AUTHORIZATION);
    request
        .extensions_mut()
        .insert(Authenticated(owner.clone()));
    let response = next.run(request).await;
    match (&session, response.headers().get(SESSION_HEADER)) {
        (None, Some(opened)) => {
            if let Ok(id) = opened.to_str() {
                door.inner
                    .sessions
                    .bind(id, (owner.issuer.clone(), owner.user_id.clone()));
            }
        }
        (Some(id), _) if ends_session && response.status().is_success() => {
            door.inner.sessions.unbind(id);
        }
        _ => {}
    }
    response
}

/// The MCP session header of 2025-era clients.
const SESSION_HEADER: &str = "mcp-session-id";

enum Bearer<'a> {
    Missing,
    Malformed(&'static str),
    Token(&'a str),
}

fn bearer(headers: &axum::http::HeaderMap) -> Bearer<'_> {
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
