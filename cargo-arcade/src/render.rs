//! Placeholder substitution: `{{name}}` in a template becomes the value of `name`.

/// Replaces every `{{name}}` of `template` with its value in `vars`. A placeholder
/// without a value, or an unclosed `{{`, is an error naming it (a template bug: the
/// tests render every template).
pub(crate) fn render(template: &str, vars: &[(&str, String)]) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| format!("an unclosed `{{{{` at {:?}", truncate(after)))?;
        let key = &after[..end];
        let value = vars
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
            .ok_or_else(|| format!("no value for the placeholder `{{{{{key}}}}}`"))?;
        out.push_str(value);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

fn truncate(s: &str) -> &str {
    s.char_indices().nth(20).map_or(s, |(i, _)| &s[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_replaced_and_the_rest_kept() {
        let vars = [("a", "1".to_owned()), ("b", "two".to_owned())];
        assert_eq!(render("x{{a}}y{{b}}{{a}}", &vars).unwrap(), "x1ytwo1");
        assert_eq!(
            render("no placeholders { } }}", &vars).unwrap(),
            "no placeholders { } }}"
        );
        // Values are not rendered again.
        let nested = [("a", "{{b}}".to_owned())];
        assert_eq!(render("{{a}}", &nested).unwrap(), "{{b}}");
    }

    #[test]
    fn unknown_and_unclosed_placeholders_are_errors() {
        let vars = [("a", "1".to_owned())];
        assert_eq!(
            render("{{nope}}", &vars).unwrap_err(),
            "no value for the placeholder `{{nope}}`"
        );
        assert!(render("x {{a", &vars).unwrap_err().contains("unclosed"));
    }
}
