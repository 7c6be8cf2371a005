//! Access token validation: the authorization server picked by `iss`, the signature
//! with its JWKS key and its one configured algorithm, then issuer, audience, `exp`,
//! `nbf` and `iat` (with leeway) and `sub`. Nothing here logs or returns the token.

use std::collections::HashSet;
use std::fmt;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::config::{AuthorizationServer, algorithm};
use super::jwks::Jwks;
use crate::owner::ResourceOwner;

/// The longest access token accepted; longer ones are refused before any parsing.
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// Why an access token was refused. Its text never holds the token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRejection {
    expired: bool,
    description: String,
}

impl TokenRejection {
    fn invalid(description: impl Into<String>) -> Self {
        Self {
            expired: false,
            description: description.into(),
        }
    }

    /// What is wrong, for the `error_description` of the challenge.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Whether the token was valid but has expired.
    pub fn is_expired(&self) -> bool {
        self.expired
    }
}

impl fmt::Display for TokenRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.description)
    }
}

impl std::error::Error for TokenRejection {}

/// One authorization server, ready to check its tokens.
pub(super) struct Issuer {
    pub config: AuthorizationServer,
    algorithm: Algorithm,
    algorithm_name: String,
    validation: Validation,
    jwks: Jwks,
}

impl Issuer {
    pub(super) fn new(config: AuthorizationServer, canonical_url: &str, jwks: Jwks) -> Self {
        let algorithm = algorithm(&config.algorithm).unwrap_or(Algorithm::RS256);
        let options = &config.validation_options;
        let mut validation = Validation::new(algorithm);
        validation.leeway = options.leeway;
        validation.validate_exp = options.verify_exp;
        validation.validate_nbf = options.verify_nbf;
        validation.validate_aud = true;
        if config.expected_audiences.is_empty() {
            validation.set_audience(&[canonical_url]);
        } else {
            validation.set_audience(&config.expected_audiences);
        }
        let mut required: HashSet<String> = ["sub", "aud"].map(str::to_owned).into();
        if options.verify_exp {
            required.insert("exp".to_owned());
        }
        if options.verify_iss {
            validation.set_issuer(&[config.issuer.as_str()]);
            required.insert("iss".to_owned());
        }
        validation.required_spec_claims = required;
        Self {
            config,
            algorithm,
            algorithm_name: alg_name(algorithm),
            validation,
            jwks,
        }
    }

    /// Whether a token claiming issuer `iss` may come from this server.
    fn may_have_issued(&self, iss: Option<&str>) -> bool {
        !self.config.validation_options.verify_iss || iss == Some(self.config.issuer.as_str())
    }
}

/// The claims read before the signature is checked: only to pick the issuer.
#[derive(Deserialize)]
struct Unverified {
    #[serde(default)]
    iss: Option<Value>,
}

/// Validates `token` against the issuers it may come from.
pub(super) async fn validate(
    issuers: &[Issuer],
    token: &str,
) -> Result<ResourceOwner, TokenRejection> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(TokenRejection::invalid(format!(
            "The access token is longer than {MAX_TOKEN_BYTES} bytes."
        )));
    }
    let header = jsonwebtoken::decode_header(token).map_err(|_| {
        TokenRejection::invalid("The access token is not a well-formed signed JWT.")
    })?;
    let unverified: Unverified =
        jsonwebtoken::dangerous::insecure_decode_claims(token).map_err(|_| {
            TokenRejection::invalid("The access token's claims are not well-formed JSON.")
        })?;
    let iss = unverified.iss.as_ref().and_then(Value::as_str);
    let candidates: Vec<&Issuer> = issuers.iter().filter(|i| i.may_have_issued(iss)).collect();
    if candidates.is_empty() {
        return Err(TokenRejection::invalid(
            "The access token was not issued by an authorization server this resource trusts.",
        ));
    }
    let mut first_error = None;
    for issuer in candidates {
        match validate_with(issuer, &header, token).await {
            Ok(owner) => return Ok(owner),
            Err(e) if e.expired => return Err(e),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| TokenRejection::invalid("The access token is not valid.")))
}

async fn validate_with(
    issuer: &Issuer,
    header: &jsonwebtoken::Header,
    token: &str,
) -> Result<ResourceOwner, TokenRejection> {
    if header.alg != issuer.algorithm {
        return Err(TokenRejection::invalid(format!(
            "The access token is signed with {}; this resource accepts only {} from its issuer.",
            alg_name(header.alg),
            issuer.algorithm_name
        )));
    }
    let keys = issuer.jwks.keys_for(header.kid.as_deref()).await;
    if keys.is_empty() {
        return Err(TokenRejection::invalid(
            "The access token is signed with a key its issuer does not publish.",
        ));
    }
    let mut last = None;
    for key in keys {
        if key
            .alg
            .as_deref()
            .is_some_and(|a| a != issuer.algorithm_name)
        {
            last = Some(TokenRejection::invalid(
                "The access token's signing key is published for another algorithm.",
            ));
            continue;
        }
        match jsonwebtoken::decode::<Map<String, Value>>(token, &key.key, &issuer.validation) {
            Ok(data) => return owner(issuer, data.claims),
            Err(e) => {
                let rejection = rejection(e.kind());
                if rejection.expired || !matches!(e.kind(), ErrorKind::InvalidSignature) {
                    return Err(rejection);
                }
                last = Some(rejection);
            }
        }
    }
    Err(last.unwrap_or_else(|| {
        TokenRejection::invalid("The access token's signature does not verify.")
    }))
}

/// The algorithm's JOSE name (`"RS256"`).
fn alg_name(alg: Algorithm) -> String {
    serde_json::to_value(alg)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{alg:?}"))
}

fn rejection(kind: &ErrorKind) -> TokenRejection {
    let description = match kind {
        ErrorKind::ExpiredSignature => {
            return TokenRejection {
                expired: true,
                description: "The access token has expired.".to_owned(),
            };
        }
        ErrorKind::ImmatureSignature => "The access token is not valid yet (nbf).",
        ErrorKind::InvalidAudience => "The access token was not issued for this resource (aud).",
        ErrorKind::InvalidIssuer => "The access token's issuer is not the one expected (iss).",
        ErrorKind::InvalidSignature => "The access token's signature does not verify.",
        ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => {
            "The access token's algorithm is not accepted."
        }
        ErrorKind::MissingRequiredClaim(claim) => {
            return TokenRejection::invalid(format!(
                "The access token lacks the required '{}' claim.",
                claim_name(claim)
            ));
        }
        ErrorKind::InvalidClaimFormat(claim) => {
            return TokenRejection::invalid(format!(
                "The access token's '{}' claim is malformed.",
                claim_name(claim)
            ));
        }
        _ => "The access token is not a well-formed signed JWT.",
    };
    TokenRejection::invalid(description)
}

/// Only the registered claim names are echoed (never attacker-chosen text).
fn claim_name(claim: &str) -> &'static str {
    ["exp", "nbf", "iat", "aud", "iss", "sub"]
        .into_iter()
        .find(|c| *c == claim)
        .unwrap_or("a registered")
}

fn owner(issuer: &Issuer, claims: Map<String, Value>) -> Result<ResourceOwner, TokenRejection> {
    let options = &issuer.config.validation_options;
    if options.verify_iat
        && let Some(iat) = claims.get("iat").and_then(Value::as_u64)
        && iat > jsonwebtoken::get_current_timestamp() + options.leeway
    {
        return Err(TokenRejection::invalid(
            "The access token was issued in the future (iat).",
        ));
    }
    let text = |name: &str| {
        claims
            .get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let Some(sub) = text("sub") else {
        return Err(TokenRejection::invalid(
            "The access token lacks the required 'sub' claim.",
        ));
    };
    let mut scopes: Vec<String> = text("scope")
        .map(|s| s.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    match claims.get("scp") {
        Some(Value::String(s)) => scopes.extend(s.split_whitespace().map(str::to_owned)),
        Some(Value::Array(items)) => {
            scopes.extend(items.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        _ => {}
    }
    let mut seen = HashSet::new();
    scopes.retain(|s| seen.insert(s.clone()));
    let issuer_name = text("iss").unwrap_or_else(|| issuer.config.issuer.clone());
    let mut owner = ResourceOwner::new(sub, issuer_name).with_scopes(scopes);
    if let Some(client) = text("client_id").or_else(|| text("azp")) {
        owner = owner.with_client_id(client);
    }
    if let Some(email) = text("email") {
        owner = owner.with_email(email);
    }
    Ok(owner.with_claims(claims))
}
