//! URI templates (RFC 6570 level 1, `scheme://things/{id}`): parsing and matching a URI
//! against one, with the matched values percent-decoded.

use std::collections::BTreeMap;

/// One piece of a template: literal text or a `{variable}`.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Literal(String),
    Variable(String),
}

/// A parsed URI template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct UriTemplate {
    parts: Vec<Part>,
}

/// Why a template could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TemplateSyntaxError(pub(crate) String);

impl UriTemplate {
    /// Parses `template`: literals and `{name}` variables (names of letters, digits and
    /// `_`), two variables never adjacent (their boundary would be ambiguous).
    pub(crate) fn parse(template: &str) -> Result<Self, TemplateSyntaxError> {
        let mut parts = Vec::new();
        let mut rest = template;
        while !rest.is_empty() {
            if let Some(start) = rest.find('{') {
                if start > 0 {
                    parts.push(Part::Literal(rest[..start].to_owned()));
                }
                let Some(len) = rest[start..].find('}') else {
                    return Err(TemplateSyntaxError(format!("unclosed `{{` in {template}")));
                };
                let name = &rest[start + 1..start + len];
                if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    return Err(TemplateSyntaxError(format!(
                        "`{{{name}}}` in {template}: only level 1 variables (`{{name}}`) are supported"
                    )));
                }
                if matches!(parts.last(), Some(Part::Variable(_))) {
                    return Err(TemplateSyntaxError(format!(
                        "two adjacent variables in {template}"
                    )));
                }
                parts.push(Part::Variable(name.to_owned()));
                rest = &rest[start + len + 1..];
            } else {
                if rest.contains('}') {
                    return Err(TemplateSyntaxError(format!("unopened `}}` in {template}")));
                }
                parts.push(Part::Literal(rest.to_owned()));
                rest = "";
            }
        }
        Ok(Self { parts })
    }

    /// The variable names, in order.
    pub(crate) fn variables(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Variable(name) => Some(name.as_str()),
            Part::Literal(_) => None,
        })
    }

    /// The values of the variables when `uri` matches: each a non-empty run without
    /// `/`, `?` or `#`, percent-decoded. `None` when it does not match.
    pub(crate) fn matches(&self, uri: &str) -> Option<BTreeMap<String, String>> {
        let mut values = BTreeMap::new();
        let mut rest = uri;
        let mut parts = self.parts.iter().peekable();
        while let Some(part) = parts.next() {
            match part {
                Part::Literal(text) => rest = rest.strip_prefix(text.as_str())?,
                Part::Variable(name) => {
                    let end = match parts.peek() {
                        Some(Part::Literal(next)) => rest.find(next.as_str())?,
                        _ => rest.len(),
                    };
                    let raw = &rest[..end];
                    if raw.is_empty() || raw.contains(['/', '?', '#']) {
                        return None;
                    }
                    let value = percent_encoding::percent_decode_str(raw)
                        .decode_utf8()
                        .ok()?
                        .into_owned();
                    values.insert(name.clone(), value);
                    rest = &rest[end..];
                }
            }
        }
        rest.is_empty().then_some(values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_and_decodes() {
        let t = UriTemplate::parse("test://template/{id}/data").unwrap();
        assert_eq!(t.variables().collect::<Vec<_>>(), ["id"]);
        let values = t.matches("test://template/123/data").unwrap();
        assert_eq!(values["id"], "123");
        assert_eq!(
            t.matches("test://template/a%20b/data").unwrap()["id"],
            "a b"
        );
        assert!(t.matches("test://template//data").is_none());
        assert!(t.matches("test://template/1/2/data").is_none());
        assert!(t.matches("test://template/123/data/more").is_none());
        assert!(t.matches("other://template/123/data").is_none());
    }

    #[test]
    fn trailing_variable_and_several() {
        let t = UriTemplate::parse("users://{org}/people/{name}").unwrap();
        let values = t.matches("users://acme/people/ada").unwrap();
        assert_eq!(
            (values["org"].as_str(), values["name"].as_str()),
            ("acme", "ada")
        );
        assert!(t.matches("users://acme/people/").is_none());
    }

    #[test]
    fn rejects_what_level_one_lacks() {
        assert!(UriTemplate::parse("x://{+path}").is_err());
        assert!(UriTemplate::parse("x://{a}{b}").is_err());
        assert!(UriTemplate::parse("x://{a").is_err());
        assert!(UriTemplate::parse("x://a}").is_err());
        assert!(UriTemplate::parse("x://{}").is_err());
    }
}
