//! [`Session`]: the client with the credential of one tool call (reads, writes with the
//! `From` header), and [`Query`], PagerDuty-style query parameters.

use arcade_tdk::{TokenKind, ToolContext, ToolError};
use reqwest::Method;
use serde_json::Value;

use super::config::{env, lookup};
use super::{Credential, PagerDutyClient};

/// Query parameters, in PagerDuty's style (`key[]` repeated for arrays).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query(Vec<(String, String)>);

impl Query {
    /// An empty query.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds `key=value`.
    pub fn set(mut self, key: &str, value: impl ToString) -> Self {
        self.0.push((key.to_owned(), value.to_string()));
        self
    }
    /// Adds `key=value` when `value` is `Some` (and not blank).
    pub fn opt(self, key: &str, value: Option<impl ToString>) -> Self {
        match value
            .map(|v| v.to_string())
            .filter(|v| !v.trim().is_empty())
        {
            Some(v) => self.set(key, v),
            None => self,
        }
    }
    /// Adds `key[]=v` for each value (`key` is given without `[]`).
    pub fn list<S: AsRef<str>>(mut self, key: &str, values: impl IntoIterator<Item = S>) -> Self {
        for v in values {
            let v = v.as_ref().trim();
            if !v.is_empty() {
                self.0.push((format!("{key}[]"), v.to_owned()));
            }
        }
        self
    }
    /// The pairs.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }
}

/// A client with the credential of one tool call.
#[derive(Clone, Debug)]
pub struct Session {
    pub(super) client: PagerDutyClient,
    pub(super) credential: Credential,
    pub(super) configured_from: Option<String>,
}

impl Session {
    /// The session of a tool call: the shared client configured from the context, its
    /// credential, and the `From` email configured for API keys (the
    /// `PAGERDUTY_FROM_EMAIL` secret or metadata of the call, else the environment).
    pub fn from_context(context: &ToolContext) -> Result<Self, ToolError> {
        let client = PagerDutyClient::for_context(context)?;
        let credential = Credential::from_context(context)?;
        let from = context
            .get_secret("PAGERDUTY_FROM_EMAIL")
            .ok()
            .map(str::to_owned)
            .or_else(|| lookup(context, "PAGERDUTY_FROM_EMAIL"))
            .or_else(|| env("PAGERDUTY_FROM_EMAIL"))
            .filter(|e| e.contains('@'));
        Ok(client.session(credential, from))
    }

    /// The client.
    pub fn client(&self) -> &PagerDutyClient {
        &self.client
    }

    /// `GET path` with a query; the JSON body.
    pub async fn get(&self, path: &str, query: &Query) -> Result<Value, ToolError> {
        self.get_with(path, query, |body| serde_json::from_slice(body))
            .await
    }

    /// `GET path` with a query, the body read by `decode` (see
    /// [`PagerDutyClient::request_with`]).
    pub(crate) async fn get_with<T>(
        &self,
        path: &str,
        query: &Query,
        decode: impl FnOnce(&[u8]) -> serde_json::Result<T>,
    ) -> Result<T, ToolError> {
        self.client
            .request_with(
                Some(&self.credential),
                Method::GET,
                path,
                query.pairs(),
                None,
                None,
                decode,
            )
            .await
    }

    /// `GET path` and the object under `key` (e.g. `incident` of `/incidents/{id}`).
    pub async fn get_object(
        &self,
        path: &str,
        key: &str,
        query: &Query,
    ) -> Result<Value, ToolError> {
        let mut body = self.get(path, query).await?;
        match body.get_mut(key).map(Value::take) {
            Some(value) if !value.is_null() => Ok(value),
            _ => Err(missing_key(path, key)),
        }
    }

    /// The current user (`GET /users/me`), with optional `include[]` values.
    pub async fn current_user(&self, include: &[&str]) -> Result<Value, ToolError> {
        let query = Query::new().list("include", include.iter().copied());
        let user = self.get_object("/users/me", "user", &query).await?;
        if let Some(email) = user.get("email").and_then(Value::as_str) {
            self.cache_from(email);
        }
        Ok(user)
    }

    fn cache_from(&self, email: &str) {
        let mut cache = self
            .client
            .inner
            .from_cache
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if cache.len() >= 1024 {
            cache.clear();
        }
        cache.insert(self.credential.key, email.to_owned());
    }

    /// The email to send as `From` on writes: for OAuth tokens the token's user
    /// (`/users/me`, cached per token); for API keys the configured
    /// `PAGERDUTY_FROM_EMAIL`, else the key's user. An account-level credential (no
    /// user) falls back to the configured email; with none, a context-required error.
    pub async fn from_email(&self) -> Result<String, ToolError> {
        if self.credential.kind == TokenKind::ApiKey
            && let Some(from) = &self.configured_from
        {
            return Ok(from.clone());
        }
        let cached = self
            .client
            .inner
            .from_cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&self.credential.key)
            .cloned();
        if let Some(email) = cached {
            return Ok(email);
        }
        match self.current_user(&[]).await {
            Ok(user) => user
                .get("email")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| no_from_error(None)),
            Err(err) if matches!(err.status_code(), Some(400 | 403 | 404)) => {
                // An account-level credential (API key or client-credentials OAuth
                // token) has no user: fall back to the configured email.
                match &self.configured_from {
                    Some(from) => Ok(from.clone()),
                    None => Err(no_from_error(Some(err.message().to_owned()))),
                }
            }
            Err(err) => Err(err),
        }
    }

    /// A read that PagerDuty models as a `POST` with a JSON body (analytics): no
    /// `From` header, and safe to retry.
    pub async fn post_read(&self, path: &str, body: &Value) -> Result<Value, ToolError> {
        self.client
            .request(
                Some(&self.credential),
                Method::POST,
                path,
                &[],
                Some(body),
                None,
            )
            .await
    }

    /// A write whose operation does not require `From` (e.g. schedule overrides): the
    /// header is sent when a user email is known, and left out otherwise.
    pub async fn write_optional_from(
        &self,
        method: Method,
        path: &str,
        body: &Value,
    ) -> Result<Value, ToolError> {
        self.send_optional_from(method, path, &Query::new(), Some(body))
            .await
    }

    /// A `DELETE` (no body, a query), with the `From` header when a user email is
    /// known; PagerDuty answers `204 No Content`, returned as `Null`.
    pub async fn delete(&self, path: &str, query: &Query) -> Result<Value, ToolError> {
        self.send_optional_from(Method::DELETE, path, query, None)
            .await
    }

    async fn send_optional_from(
        &self,
        method: Method,
        path: &str,
        query: &Query,
        body: Option<&Value>,
    ) -> Result<Value, ToolError> {
        let from = match self.from_email().await {
            Ok(from) => Some(from),
            Err(err) if err.kind() == arcade_tdk::ErrorKind::ToolRuntimeContextRequired => None,
            Err(err) => return Err(err),
        };
        self.client
            .request(
                Some(&self.credential),
                method,
                path,
                query.pairs(),
                body,
                from.as_deref(),
            )
            .await
    }

    /// A write (`PUT`, `POST`, `DELETE`) with the `From` header.
    pub async fn write(
        &self,
        method: Method,
        path: &str,
        body: &Value,
    ) -> Result<Value, ToolError> {
        let from = self.from_email().await?;
        self.client
            .request(
                Some(&self.credential),
                method,
                path,
                &[],
                Some(body),
                Some(&from),
            )
            .await
    }
}

fn no_from_error(detail: Option<String>) -> ToolError {
    let mut error = ToolError::context_required(
        "PagerDuty records every change under a user's email (the `From` header), and this credential has no user (it is an account-level API key or token) and no PAGERDUTY_FROM_EMAIL is configured.",
        "Which PagerDuty user's email should this change be made as? (The operator can set PAGERDUTY_FROM_EMAIL, or the user can authorize with OAuth instead of an account-level key.)",
    );
    if let Some(detail) = detail {
        error = error.with_developer_message(format!("GET /users/me failed: {detail}"));
    }
    error
}

pub(super) fn missing_key(path: &str, key: &str) -> ToolError {
    ToolError::upstream(
        502,
        format!("PagerDuty's response to {path} has no `{key}`; the API may have changed."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_lists() {
        let q = Query::new()
            .list("statuses", ["triggered", " "])
            .opt("since", None::<&str>);
        assert_eq!(
            q.pairs(),
            &[("statuses[]".to_owned(), "triggered".to_owned())]
        );
    }
}
