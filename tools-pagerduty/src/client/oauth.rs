//! PagerDuty's OAuth app: its endpoints on `identity.pagerduty.com`, its default scope,
//! and the region hint of its ID token. The binary registers [`oauth_app`] with the
//! TDK's command line, so `tools-pagerduty auth login|status|logout` and the tokens of
//! `serve` and `call` need only `PAGERDUTY_OAUTH_CLIENT_ID` (and the app's
//! `PAGERDUTY_OAUTH_CLIENT_SECRET`, if it has one).

use arcade_tdk::token::OAuthProvider;
use serde_json::{Map, Value};

use super::Region;

/// PagerDuty's authorize endpoint.
pub const PAGERDUTY_AUTHORIZE_URL: &str = "https://identity.pagerduty.com/oauth/authorize";
/// PagerDuty's token endpoint.
pub const PAGERDUTY_TOKEN_URL: &str = "https://identity.pagerduty.com/oauth/token";

/// A PagerDuty app: endpoints on `identity.pagerduty.com`, scope `read`, answering for
/// `pagerduty` and `arcade-pagerduty`, redirect `http://127.0.0.1:8765/callback`, and
/// the account's region read from the ID token ([`id_token_user_info`]).
///
/// ```
/// use tools_pagerduty::client::oauth_provider;
/// let provider = oauth_provider("my-client-id");
/// assert_eq!(provider.authorize_url, "https://identity.pagerduty.com/oauth/authorize");
/// assert_eq!(provider.redirect_uri(8765), "http://127.0.0.1:8765/callback");
/// ```
pub fn oauth_provider(client_id: impl Into<String>) -> OAuthProvider {
    OAuthProvider::new(
        "pagerduty",
        client_id,
        PAGERDUTY_AUTHORIZE_URL,
        PAGERDUTY_TOKEN_URL,
    )
    .with_alias("arcade-pagerduty")
    .with_scopes(["read"])
    .with_id_token_user_info(id_token_user_info)
}

/// [`oauth_provider`] without a client id, for `Cli::oauth_provider`: the user's
/// `PAGERDUTY_OAUTH_CLIENT_ID` completes it, and the other `PAGERDUTY_OAUTH_*` variables
/// (`_CLIENT_SECRET`, `_AUTHORIZE_URL` with `_TOKEN_URL`, `_SCOPES`, `_REDIRECT_PORT`)
/// override its settings.
///
/// ```
/// let vars = |name: &str| (name == "PAGERDUTY_OAUTH_CLIENT_ID").then(|| "cid".to_owned());
/// let provider = tools_pagerduty::client::oauth_app().configured_by(vars).unwrap().unwrap();
/// assert_eq!((provider.id.as_str(), provider.client_id.as_str()), ("pagerduty", "cid"));
/// ```
pub fn oauth_app() -> OAuthProvider {
    oauth_provider("")
}

/// The `user_info` entries of a PagerDuty ID token: `region` (`"us"` or `"eu"`) and the
/// region's `api_base_url`, when the audience or issuer names one (see
/// [`Region::from_claims`]).
///
/// ```
/// let claims = serde_json::json!({"aud": ["https://api.eu.pagerduty.com"]});
/// let info = tools_pagerduty::client::id_token_user_info(claims.as_object().unwrap());
/// assert_eq!(info["region"], "eu");
/// assert_eq!(info["api_base_url"], "https://api.eu.pagerduty.com");
/// ```
pub fn id_token_user_info(claims: &Map<String, Value>) -> Map<String, Value> {
    let mut info = Map::new();
    if let Some(region) = Region::from_claims(claims)
        && let Some(name) = region.name()
    {
        info.insert("region".into(), name.into());
        let base = region.api_base();
        info.insert(
            "api_base_url".into(),
            base.as_str().trim_end_matches('/').into(),
        );
    }
    info
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagerduty_defaults() {
        let p = oauth_provider("cid");
        assert_eq!(
            p.authorize_url,
            "https://identity.pagerduty.com/oauth/authorize"
        );
        assert_eq!(p.token_url, "https://identity.pagerduty.com/oauth/token");
        assert_eq!(p.scopes, ["read"]);
        assert_eq!(p.aliases, ["arcade-pagerduty"]);
    }

    #[test]
    fn the_app_is_completed_by_the_variables() {
        let vars = [
            ("PAGERDUTY_OAUTH_CLIENT_ID", "cid"),
            ("PAGERDUTY_OAUTH_CLIENT_SECRET", "cs_5ecret_value"),
            (
                "PAGERDUTY_OAUTH_AUTHORIZE_URL",
                "https://app.pagerduty.com/oauth/authorize",
            ),
            (
                "PAGERDUTY_OAUTH_TOKEN_URL",
                "https://app.pagerduty.com/oauth/token",
            ),
            ("PAGERDUTY_OAUTH_SCOPES", "read,write"),
            ("PAGERDUTY_OAUTH_REDIRECT_PORT", "9000"),
            ("ARCADE_TDK_TOKEN_DIR", "/tmp/x"),
        ];
        let lookup = |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        };
        let p = oauth_app().configured_by(lookup).unwrap().unwrap();
        assert_eq!(p.client_id, "cid");
        assert_eq!(p.token_url, "https://app.pagerduty.com/oauth/token");
        assert_eq!(p.scopes, ["read", "write"]);
        assert_eq!(p.redirect_port, 9000);
        assert_eq!(
            p.cache_path().unwrap(),
            std::path::Path::new("/tmp/x/pagerduty.json")
        );
        assert!(!format!("{p:?}").contains("cs_5ecret_value"));
        // Only the client id: PagerDuty's endpoints and scope.
        let only_id = |name: &str| (name == "PAGERDUTY_OAUTH_CLIENT_ID").then(|| "c".to_owned());
        let p = oauth_app().configured_by(only_id).unwrap().unwrap();
        assert_eq!(p.token_url, PAGERDUTY_TOKEN_URL);
        assert_eq!(p.scopes, ["read"]);
        // No client id: not configured.
        assert!(oauth_app().configured_by(|_| None).unwrap().is_none());
    }

    #[test]
    fn the_id_token_names_the_region() {
        let claims = |v: Value| v.as_object().cloned().unwrap();
        let eu =
            claims(serde_json::json!({"aud": ["https://api.eu.pagerduty.com"], "sub": "PUSER1"}));
        let info = oauth_provider("cid").id_token_user_info(&eu);
        assert_eq!(info["sub"], "PUSER1");
        assert_eq!(info["region"], "eu");
        assert_eq!(info["api_base_url"], "https://api.eu.pagerduty.com");
        let us = claims(serde_json::json!({"iss": "https://identity.pagerduty.com"}));
        assert_eq!(
            id_token_user_info(&us)["api_base_url"],
            "https://api.pagerduty.com"
        );
        assert!(id_token_user_info(&claims(serde_json::json!({"aud": "x"}))).is_empty());
    }
}
