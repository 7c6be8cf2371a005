//! [`Completer`]: suggested values for a prompt argument or a resource-template
//! parameter (MCP's `completion/complete`).
//!
//! ```
//! use arcade_tdk::Completer;
//!
//! let colors = Completer::from_list(["red", "green", "blue"]);
//! assert_eq!(colors.complete("gr").values, ["green"]);
//!
//! let numbers = Completer::new(|typed: &str| (1..=3).map(|n| format!("{typed}{n}")).collect());
//! assert_eq!(numbers.complete("7").values, ["71", "72", "73"]);
//! ```

use std::fmt;
use std::sync::Arc;

/// The most values one answer carries (MCP's limit); `total` and `has_more` tell the rest.
pub const MAX_COMPLETION_VALUES: usize = 100;

type CompleteFn = dyn Fn(&str) -> Vec<String> + Send + Sync;

/// Produces suggestions from what the user has typed so far.
#[derive(Clone)]
pub struct Completer(Arc<CompleteFn>);

impl fmt::Debug for Completer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Completer")
    }
}

/// The answer to one completion request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completions {
    /// At most [`MAX_COMPLETION_VALUES`] suggestions.
    pub values: Vec<String>,
    /// How many there were in all.
    pub total: usize,
    /// Whether some were left out.
    pub has_more: bool,
}

impl Completions {
    /// Suggestions, cut to [`MAX_COMPLETION_VALUES`].
    pub fn from_values(mut values: Vec<String>) -> Self {
        let total = values.len();
        values.truncate(MAX_COMPLETION_VALUES);
        Self {
            has_more: total > values.len(),
            values,
            total,
        }
    }
}

impl Completer {
    /// A completer from a function of the typed prefix.
    pub fn new(complete: impl Fn(&str) -> Vec<String> + Send + Sync + 'static) -> Self {
        Self(Arc::new(complete))
    }

    /// A completer offering the values of `list` that start with what was typed
    /// (case-insensitively), in the list's order.
    pub fn from_list<S: Into<String>>(list: impl IntoIterator<Item = S>) -> Self {
        let list: Vec<String> = list.into_iter().map(Into::into).collect();
        Self::new(move |typed| {
            let typed = typed.to_lowercase();
            list.iter()
                .filter(|v| v.to_lowercase().starts_with(&typed))
                .cloned()
                .collect()
        })
    }

    /// The suggestions for `typed`.
    pub fn complete(&self, typed: &str) -> Completions {
        Completions::from_values((self.0)(typed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_to_the_limit_and_says_so() {
        let many = Completer::new(|_| (0..150).map(|n| n.to_string()).collect());
        let answer = many.complete("");
        assert_eq!(answer.values.len(), MAX_COMPLETION_VALUES);
        assert_eq!(answer.total, 150);
        assert!(answer.has_more);
        let few = Completer::from_list(["Alpha", "beta"]).complete("A");
        assert_eq!(
            few,
            Completions {
                values: vec!["Alpha".into()],
                total: 1,
                has_more: false
            }
        );
    }
}
