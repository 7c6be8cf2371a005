//! [`Region`]: the PagerDuty service region of an account (US, EU or a custom host),
//! from configuration or from the OAuth login's ID token.

use reqwest::Url;
use serde_json::{Map, Value};

/// Where the account lives: PagerDuty's US or EU service region, or a custom host.
///
/// ```
/// use tools_pagerduty::client::Region;
/// assert_eq!(Region::Eu.api_base().as_str(), "https://api.eu.pagerduty.com/");
/// assert_eq!(Region::from_name("EU"), Some(Region::Eu));
/// assert_eq!(Region::Eu.name(), Some("eu"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Region {
    /// `https://api.pagerduty.com` and `https://events.pagerduty.com`.
    Us,
    /// `https://api.eu.pagerduty.com` and `https://events.eu.pagerduty.com`.
    Eu,
    /// Any other REST base URL (a proxy, a test server); events go to the same host.
    Custom(Url),
}

impl Region {
    /// The REST API base URL.
    pub fn api_base(&self) -> Url {
        match self {
            Self::Us => Url::parse("https://api.pagerduty.com").expect("a valid URL"),
            Self::Eu => Url::parse("https://api.eu.pagerduty.com").expect("a valid URL"),
            Self::Custom(url) => url.clone(),
        }
    }

    /// The Events API v2 base URL (without `/v2`).
    pub fn events_base(&self) -> Url {
        match self {
            Self::Us => Url::parse("https://events.pagerduty.com").expect("a valid URL"),
            Self::Eu => Url::parse("https://events.eu.pagerduty.com").expect("a valid URL"),
            Self::Custom(url) => url.clone(),
        }
    }

    /// Parses `us`, `eu` (case-insensitive) or an absolute URL.
    pub fn parse(value: &str) -> Option<Self> {
        Self::from_name(value).or_else(|| Url::parse(value.trim()).ok().map(Self::Custom))
    }

    /// The region named `us` or `eu` (case-insensitive, surrounding blanks ignored).
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim();
        if name.eq_ignore_ascii_case("us") {
            Some(Self::Us)
        } else if name.eq_ignore_ascii_case("eu") {
            Some(Self::Eu)
        } else {
            None
        }
    }

    /// `"us"` or `"eu"` (as in `PAGERDUTY_REGION` and the login's `user_info.region`);
    /// `None` for a custom host.
    pub fn name(&self) -> Option<&'static str> {
        match self {
            Self::Us => Some("us"),
            Self::Eu => Some("eu"),
            Self::Custom(_) => None,
        }
    }

    /// The region named by an ID token's audience (or issuer): a value naming an EU
    /// PagerDuty host (`*.eu.pagerduty.com`) or `eu` means EU, another PagerDuty value
    /// means US; anything else says nothing.
    ///
    /// ```
    /// use tools_pagerduty::client::Region;
    /// let claims = serde_json::json!({"aud": ["https://api.eu.pagerduty.com"]});
    /// assert_eq!(Region::from_claims(claims.as_object().unwrap()), Some(Region::Eu));
    /// ```
    pub fn from_claims(claims: &Map<String, Value>) -> Option<Self> {
        let mut values: Vec<String> = Vec::new();
        for key in ["aud", "iss"] {
            match claims.get(key) {
                Some(Value::String(s)) => values.push(s.to_ascii_lowercase()),
                Some(Value::Array(items)) => values.extend(
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_ascii_lowercase),
                ),
                _ => {}
            }
        }
        let is_eu = |v: &String| {
            v == "eu" || v.contains(".eu.pagerduty.com") || v.contains("//eu.pagerduty.com")
        };
        if values.iter().any(is_eu) {
            Some(Self::Eu)
        } else if values
            .iter()
            .any(|v| v == "us" || v.contains("pagerduty.com"))
        {
            Some(Self::Us)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        assert_eq!(
            Region::Eu.api_base().as_str(),
            "https://api.eu.pagerduty.com/"
        );
        assert_eq!(Region::parse("US"), Some(Region::Us));
        assert!(matches!(
            Region::parse("http://127.0.0.1:1"),
            Some(Region::Custom(_))
        ));
        assert_eq!(Region::from_name(" eu "), Some(Region::Eu));
        assert_eq!(Region::from_name("http://127.0.0.1:1"), None);
    }

    #[test]
    fn region_from_id_token_claims() {
        let claims = |v: Value| v.as_object().cloned().unwrap();
        let eu = claims(serde_json::json!({
            "iss": "https://identity.pagerduty.com",
            "aud": ["https://api.eu.pagerduty.com"],
        }));
        assert_eq!(Region::from_claims(&eu), Some(Region::Eu));
        // The issuer is identity.pagerduty.com and the audience the US API.
        let us = claims(serde_json::json!({
            "iss": "https://identity.pagerduty.com",
            "aud": ["https://api.pagerduty.com"],
        }));
        assert_eq!(Region::from_claims(&us), Some(Region::Us));
        assert_eq!(
            Region::from_claims(&claims(serde_json::json!({"aud": "x"}))),
            None
        );
    }
}
