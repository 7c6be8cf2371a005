//! The crate name: its validation, and the names derived from it.

/// Rust's keywords (strict and reserved, all editions): not usable as a crate name.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Names cargo reserves (the standard library's crates, `test`) or Windows cannot use
/// as a file name.
const RESERVED: &[&str] = &[
    "alloc",
    "core",
    "proc_macro",
    "std",
    "test",
    "con",
    "prn",
    "aux",
    "nul",
    "com1",
    "com2",
    "com3",
    "com4",
    "com5",
    "com6",
    "com7",
    "com8",
    "com9",
    "lpt1",
    "lpt2",
    "lpt3",
    "lpt4",
    "lpt5",
    "lpt6",
    "lpt7",
    "lpt8",
    "lpt9",
];

/// The generated crate's dependencies: a crate of the same name could not depend on them.
const DEPENDENCIES: &[&str] = &[
    "arcade_tdk",
    "arcade_tdk_macros",
    "tools_pagerduty",
    "serde",
    "serde_json",
    "schemars",
    "tokio",
];

/// The longest name crates.io accepts.
const MAX_LEN: usize = 64;

/// The names a scaffold uses, all derived from the crate name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Names {
    /// The crate (and binary) name, as given: `tools-acme-desk`.
    pub(crate) crate_name: String,
    /// The library's name in Rust code: `tools_acme_desk`.
    pub(crate) crate_ident: String,
    /// The toolkit's name: `AcmeDesk` (a `tools-` or `arcade-` prefix dropped).
    pub(crate) toolkit_name: String,
    /// The OAuth provider id of the generic tools: `acme-desk`.
    pub(crate) provider_id: String,
    /// The secret of the generic secret tool: `ACME_DESK_SECRET`.
    pub(crate) secret_name: String,
}

impl Names {
    /// Validates `name` as a crate name and derives the others; the error says what is
    /// wrong with it.
    pub(crate) fn new(name: &str) -> Result<Self, String> {
        validate(name)?;
        let crate_ident = name.replace('-', "_");
        let short = ["tools-", "tools_", "arcade-", "arcade_"]
            .iter()
            .find_map(|p| name.strip_prefix(p))
            .filter(|s| !s.is_empty())
            .unwrap_or(name);
        let words: Vec<&str> = short.split(['-', '_']).filter(|w| !w.is_empty()).collect();
        let toolkit_name = words
            .iter()
            .map(|w| {
                let mut chars = w.chars();
                match chars.next() {
                    Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                    None => String::new(),
                }
            })
            .collect();
        let provider_id = words.join("-");
        let secret_name = format!("{}_SECRET", words.join("_").to_ascii_uppercase());
        Ok(Self {
            crate_name: name.to_owned(),
            crate_ident,
            toolkit_name,
            provider_id,
            secret_name,
        })
    }
}

fn validate(name: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("`{name}` is not a valid crate name: {why}"));
    let Some(first) = name.chars().next() else {
        return Err("the crate name is empty".to_owned());
    };
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return bad(&format!(
            "it contains {c:?}; use ASCII letters, digits, `-` and `_`"
        ));
    }
    if !first.is_ascii_alphabetic() {
        return bad("it must start with a letter");
    }
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        return bad("use lower case (crates.io names are case-insensitive)");
    }
    if name.len() > MAX_LEN {
        return bad(&format!("it is longer than {MAX_LEN} characters"));
    }
    let ident = name.replace('-', "_");
    if KEYWORDS.contains(&ident.as_str()) {
        return bad("it is a Rust keyword");
    }
    if RESERVED.contains(&ident.as_str()) {
        return bad("the name is reserved (by Rust or Windows)");
    }
    if DEPENDENCIES.contains(&ident.as_str()) {
        return bad("the generated crate depends on a crate of that name");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_derived_from_the_crate_name() {
        let names = Names::new("tools-acme-desk").unwrap();
        assert_eq!(names.crate_ident, "tools_acme_desk");
        assert_eq!(names.toolkit_name, "AcmeDesk");
        assert_eq!(names.provider_id, "acme-desk");
        assert_eq!(names.secret_name, "ACME_DESK_SECRET");
        let plain = Names::new("weather").unwrap();
        assert_eq!(plain.toolkit_name, "Weather");
        assert_eq!(plain.secret_name, "WEATHER_SECRET");
        // A bare prefix is the whole name.
        assert_eq!(Names::new("tools").unwrap().toolkit_name, "Tools");
    }

    #[test]
    fn bad_names_are_refused_with_the_reason() {
        let cases = [
            ("", "empty"),
            ("1tools", "start with a letter"),
            ("-x", "start with a letter"),
            ("tools acme", "contains ' '"),
            ("tools/acme", "contains '/'"),
            ("tools.acme", "contains '.'"),
            ("Tools-Acme", "lower case"),
            ("fn", "keyword"),
            ("async", "keyword"),
            ("std", "reserved"),
            ("con", "reserved"),
            ("serde", "depends on"),
            ("tools-pagerduty", "depends on"),
            ("arcade_tdk", "depends on"),
        ];
        for (name, why) in cases {
            let err = Names::new(name).unwrap_err();
            assert!(err.contains(why), "{name:?}: {err}");
        }
        let long = "a".repeat(65);
        assert!(Names::new(&long).unwrap_err().contains("longer than 64"));
        assert!(Names::new(&"a".repeat(64)).is_ok());
    }
}
