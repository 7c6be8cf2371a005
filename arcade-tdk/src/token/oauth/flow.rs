//! The OAuth 2.0 protocol work, on the `oauth2` crate: the authorization URL with PKCE
//! (S256) and `state`, the code exchange and the refresh, over reqwest.

use std::future::Future;
use std::time::Duration;

use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse,
    BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, ExtraTokenFields, HttpRequest, HttpResponse, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, RefreshToken, RequestTokenError, Scope, StandardRevocableToken,
    StandardTokenResponse, TokenResponse, TokenUrl,
};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use super::cache::{StoredToken, now_unix};
use super::{ClientAuth, OAuthError, OAuthProvider};

/// The token response's extra fields: an OpenID Connect `id_token`, when sent.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct IdTokenFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

impl ExtraTokenFields for IdTokenFields {}

type TokenResp = StandardTokenResponse<IdTokenFields, BasicTokenType>;

type PkceClient = oauth2::Client<
    BasicErrorResponse,
    TokenResp,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// An HTTP failure while talking to the token endpoint (no secrets: reqwest's message
/// names the URL, never the form body).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct HttpError(String);

pub(crate) fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        // The token endpoint must not redirect (SSRF); oauth2's advice.
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap_or_default()
}

fn send(
    http: &reqwest::Client,
    request: HttpRequest,
) -> impl Future<Output = Result<HttpResponse, HttpError>> + Send + 'static {
    let http = http.clone();
    async move {
        let request = reqwest::Request::try_from(request).map_err(|e| HttpError(describe(&e)))?;
        let response = http
            .execute(request)
            .await
            .map_err(|e| HttpError(describe(&e)))?;
        let mut builder = oauth2::http::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| HttpError(describe(&e)))?;
        builder
            .body(body.to_vec())
            .map_err(|e| HttpError(e.to_string()))
    }
}

fn describe(err: &reqwest::Error) -> String {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

fn client(provider: &OAuthProvider, redirect_uri: Option<&str>) -> Result<PkceClient, OAuthError> {
    let auth_url = AuthUrl::new(provider.authorize_url.clone()).map_err(|_| {
        OAuthError::Config(format!(
            "invalid authorize URL `{}`",
            provider.authorize_url
        ))
    })?;
    let token_url = TokenUrl::new(provider.token_url.clone())
        .map_err(|_| OAuthError::Config(format!("invalid token URL `{}`", provider.token_url)))?;
    let mut client = oauth2::Client::new(ClientId::new(provider.client_id.clone()))
        .set_auth_uri(auth_url)
        .set_token_uri(token_url)
        .set_auth_type(match provider.client_auth {
            ClientAuth::RequestBody => AuthType::RequestBody,
            ClientAuth::BasicAuth => AuthType::BasicAuth,
        });
    if let Some(secret) = &provider.client_secret {
        client = client.set_client_secret(ClientSecret::new(secret.expose_secret().to_owned()));
    }
    if let Some(uri) = redirect_uri {
        let redirect = RedirectUrl::new(uri.to_owned())
            .map_err(|_| OAuthError::Config(format!("invalid redirect URI `{uri}`")))?;
        client = client.set_redirect_uri(redirect);
    }
    Ok(client)
}

/// An authorization request in flight: the URL to open and what checks the answer.
pub(crate) struct AuthRequest {
    pub url: String,
    pub state: CsrfToken,
    pub verifier: PkceCodeVerifier,
    pub redirect_uri: String,
}

/// The authorization URL, with a fresh PKCE S256 challenge and `state`.
pub(crate) fn authorization_request(
    provider: &OAuthProvider,
    redirect_uri: String,
) -> Result<AuthRequest, OAuthError> {
    let client = client(provider, Some(&redirect_uri))?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(CsrfToken::new_random)
        .add_scopes(provider.scopes.iter().cloned().map(Scope::new))
        .set_pkce_challenge(challenge);
    for (k, v) in &provider.extra_authorize_params {
        request = request.add_extra_param(k.clone(), v.clone());
    }
    let (url, state) = request.url();
    Ok(AuthRequest {
        url: url.to_string(),
        state,
        verifier,
        redirect_uri,
    })
}

/// Exchanges an authorization code (with its PKCE verifier) for tokens.
pub(crate) async fn exchange_code(
    provider: &OAuthProvider,
    request: AuthRequest,
    code: String,
) -> Result<StoredToken, OAuthError> {
    let client = client(provider, Some(&request.redirect_uri))?;
    let http = http_client();
    let sender = |r: HttpRequest| send(&http, r);
    let response = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(request.verifier)
        .request_async(&sender)
        .await
        .map_err(|e| token_error(e, false, provider))?;
    Ok(stored(provider, &response, None, provider.scopes.clone()))
}

/// Refreshes `token`. The provider may rotate the refresh token; the old one is kept
/// only when it sends none.
pub(crate) async fn refresh(
    provider: &OAuthProvider,
    token: &StoredToken,
) -> Result<StoredToken, OAuthError> {
    let refresh_token = token
        .refresh_token
        .clone()
        .ok_or_else(|| OAuthError::RefreshExpired {
            provider: provider.id.clone(),
            description: Some("no refresh token was issued".into()),
        })?;
    let client = client(provider, None)?;
    let http = http_client();
    let sender = |r: HttpRequest| send(&http, r);
    let refresh_token = RefreshToken::new(refresh_token);
    let response = client
        .exchange_refresh_token(&refresh_token)
        .request_async(&sender)
        .await
        .map_err(|e| token_error(e, true, provider))?;
    let mut new = stored(
        provider,
        &response,
        Some(refresh_token.secret().clone()),
        token.scopes.clone(),
    );
    if new.region.is_none() {
        new.region.clone_from(&token.region);
    }
    for (k, v) in &token.user_info {
        new.user_info.entry(k.clone()).or_insert_with(|| v.clone());
    }
    Ok(new)
}

fn stored(
    provider: &OAuthProvider,
    response: &TokenResp,
    old_refresh: Option<String>,
    requested_scopes: Vec<String>,
) -> StoredToken {
    let now = now_unix();
    let scopes = response
        .scopes()
        .map(|s| s.iter().map(|s| s.to_string()).collect())
        .unwrap_or(requested_scopes);
    let user_info = response
        .extra_fields()
        .id_token
        .as_deref()
        .and_then(super::id_token_claims)
        .map(|claims| provider.id_token_user_info(&claims))
        .unwrap_or_default();
    let region = user_info
        .get("region")
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned);
    StoredToken {
        provider: provider.id.clone(),
        client_id: provider.client_id.clone(),
        token_url: provider.token_url.clone(),
        access_token: response.access_token().secret().clone(),
        token_type: Some(response.token_type().as_ref().to_owned()),
        refresh_token: response
            .refresh_token()
            .map(|r| r.secret().clone())
            .or(old_refresh),
        expires_at: response
            .expires_in()
            .map(|d| now.saturating_add(d.as_secs())),
        scopes,
        obtained_at: now,
        region,
        user_info,
    }
}

fn token_error(
    err: RequestTokenError<HttpError, BasicErrorResponse>,
    refreshing: bool,
    provider: &OAuthProvider,
) -> OAuthError {
    match err {
        RequestTokenError::ServerResponse(e) => {
            let description = e.error_description().cloned();
            match e.error() {
                BasicErrorResponseType::InvalidGrant if refreshing => OAuthError::RefreshExpired {
                    provider: provider.id.clone(),
                    description,
                },
                BasicErrorResponseType::InvalidGrant => OAuthError::InvalidGrant { description },
                other => OAuthError::TokenEndpoint {
                    error: other.as_ref().to_owned(),
                    description,
                },
            }
        }
        RequestTokenError::Request(e) => OAuthError::Network(e.0),
        // The body of an unparseable answer may hold a token: never quote it.
        RequestTokenError::Parse(e, _) => OAuthError::TokenEndpoint {
            error: "invalid_response".into(),
            description: Some(format!(
                "the token endpoint's answer could not be read (at `{}`)",
                e.path()
            )),
        },
        RequestTokenError::Other(message) => OAuthError::TokenEndpoint {
            error: "invalid_response".into(),
            description: Some(message),
        },
    }
}
