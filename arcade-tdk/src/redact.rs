//! The one redactor: the secret values and the token of one call, scrubbed from
//! everything that leaves the call (error texts and `extra`, log and progress messages),
//! wherever in the JSON a string holds them.
//!
//! A call builds one [`Redactor`] from its [`ToolContext`] and shares it between the
//! executor (errors) and the notification sink (logs, progress), so that both follow the
//! same rule:
//!
//! * every occurrence of a secret value or of the token, in any string at any depth
//!   (object keys included), becomes `[redacted]`;
//! * values shorter than [`Redactor::MIN_LEN`] (4) characters are **not** scrubbed:
//!   replacing every `"a"` or `"1"` would shred every message while hiding nothing worth
//!   hiding. A secret that short is not a secret; do not use one.
//!
//! ```
//! use arcade_tdk::redact::Redactor;
//! use arcade_tdk::{TokenKind, ToolContext};
//! use serde_json::json;
//!
//! let context = ToolContext::builder()
//!     .token("tok-123456", TokenKind::OAuth2)
//!     .secret("API_KEY", "sk-live-42")
//!     .build();
//! let redactor = Redactor::for_context(&context);
//! let mut value = json!({"request": {"headers": ["Bearer tok-123456"]}, "sk-live-42": 1});
//! redactor.redact_value(&mut value);
//! assert_eq!(value, json!({"request": {"headers": ["Bearer [redacted]"]}, "[redacted]": 1}));
//! ```

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};

use crate::context::ToolContext;
use crate::executor::ToolCallError;

/// What a redacted value is replaced with.
pub const REDACTED: &str = "[redacted]";

/// The secret values of one call, and the rule for scrubbing them (see the
/// [module docs](self)). Its `Debug` output shows how many values it holds, never them.
#[derive(Clone, Default)]
pub struct Redactor {
    /// Longest first, so that a secret that contains another is replaced whole.
    values: Vec<SecretString>,
}

impl Redactor {
    /// Values shorter than this many bytes are not scrubbed.
    pub const MIN_LEN: usize = 4;

    /// A redactor for `values` (those shorter than [`MIN_LEN`](Self::MIN_LEN) are
    /// dropped; duplicates are kept once).
    ///
    /// ```
    /// use arcade_tdk::redact::Redactor;
    /// let redactor = Redactor::new(["hunter22", "abc"]);
    /// assert_eq!(redactor.redact("pw hunter22, id abc"), "pw [redacted], id abc");
    /// ```
    pub fn new<S: Into<String>>(values: impl IntoIterator<Item = S>) -> Self {
        let mut values: Vec<String> = values
            .into_iter()
            .map(Into::into)
            .filter(|v| v.len() >= Self::MIN_LEN)
            .collect();
        values.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        values.dedup();
        Self {
            values: values.into_iter().map(SecretString::from).collect(),
        }
    }

    /// A redactor for the secret values and the token of `context`.
    pub fn for_context(context: &ToolContext) -> Self {
        let token = context.authorization.token_if_any();
        Self::new(context.secret_values().chain(token))
    }

    /// Whether there is nothing to scrub.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Scrubs `text` in place.
    pub fn redact_in_place(&self, text: &mut String) {
        for secret in &self.values {
            let secret = secret.expose_secret();
            if text.contains(secret) {
                *text = text.replace(secret, REDACTED);
            }
        }
    }

    /// `text`, scrubbed.
    pub fn redact(&self, text: &str) -> String {
        let mut text = text.to_owned();
        self.redact_in_place(&mut text);
        text
    }

    /// Scrubs every string of `value` (object keys included), at any depth.
    pub fn redact_value(&self, value: &mut Value) {
        if self.is_empty() {
            return;
        }
        match value {
            Value::String(s) => self.redact_in_place(s),
            Value::Array(items) => items.iter_mut().for_each(|v| self.redact_value(v)),
            Value::Object(map) => self.redact_map(map),
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    /// Scrubs every key and value of `map`, at any depth.
    pub fn redact_map(&self, map: &mut Map<String, Value>) {
        if self.is_empty() {
            return;
        }
        let leaks_in_keys = map.keys().any(|k| self.leaks(k));
        if leaks_in_keys {
            *map = std::mem::take(map)
                .into_iter()
                .map(|(mut k, v)| {
                    self.redact_in_place(&mut k);
                    (k, v)
                })
                .collect();
        }
        map.values_mut().for_each(|v| self.redact_value(v));
    }

    /// Scrubs every text of a tool error in its wire form: message, developer message,
    /// additional prompt content, stack trace and every string in `extra`.
    pub fn redact_error(&self, error: &mut ToolCallError) {
        if self.is_empty() {
            return;
        }
        self.redact_in_place(&mut error.message);
        for text in [
            error.developer_message.as_mut(),
            error.additional_prompt_content.as_mut(),
            error.stacktrace.as_mut(),
        ]
        .into_iter()
        .flatten()
        {
            self.redact_in_place(text);
        }
        if let Some(extra) = error.extra.as_mut() {
            self.redact_map(extra);
        }
    }

    fn leaks(&self, text: &str) -> bool {
        self.values.iter().any(|s| text.contains(s.expose_secret()))
    }
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("values", &self.values.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ToolError;
    use serde_json::json;

    #[test]
    fn a_secret_containing_another_is_replaced_whole() {
        let redactor = Redactor::new(["abcd", "abcdefgh"]);
        assert_eq!(
            redactor.redact("x abcdefgh y abcd"),
            "x [redacted] y [redacted]"
        );
    }

    #[test]
    fn short_values_are_left_alone() {
        let redactor = Redactor::new(["abc", ""]);
        assert!(redactor.is_empty());
        assert_eq!(redactor.redact("abc"), "abc");
    }

    #[test]
    fn every_text_of_an_error_is_scrubbed_extra_at_any_depth() {
        let error = ToolError::execution("failed with s3cr3t-value")
            .with_developer_message("dev s3cr3t-value")
            .with_extra("request_token", "s3cr3t-value")
            .with_extra(
                "nested",
                json!({"a": [{"b": "x s3cr3t-value y"}], "s3cr3t-value": true}),
            );
        let mut wire = ToolCallError::from_tool_error(&error, "T");
        Redactor::new(["s3cr3t-value"]).redact_error(&mut wire);
        let text = serde_json::to_string(&wire).unwrap();
        assert!(!text.contains("s3cr3t-value"), "{text}");
        let extra = wire.extra.unwrap();
        assert_eq!(extra["request_token"], json!("[redacted]"));
        assert_eq!(
            extra["nested"],
            json!({"a": [{"b": "x [redacted] y"}], "[redacted]": true})
        );
    }

    #[test]
    fn debug_shows_no_value() {
        let shown = format!("{:?}", Redactor::new(["topsecret"]));
        assert_eq!(shown, "Redactor { values: 1 }");
    }
}
