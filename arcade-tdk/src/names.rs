//! Arcade's naming rules, so that a Rust tool gets the name a Python one would.

/// Python's `snake_to_pascal_case`: with underscores, each part capitalized (the rest
/// lower-cased) and joined; without, kept when it starts upper-case, else capitalized.
///
/// ```
/// use arcade_tdk::names::snake_to_pascal_case;
/// assert_eq!(snake_to_pascal_case("list_incidents"), "ListIncidents");
/// assert_eq!(snake_to_pascal_case("get_HTTP_url"), "GetHttpUrl");
/// assert_eq!(snake_to_pascal_case("HTTPFetch"), "HTTPFetch");
/// assert_eq!(snake_to_pascal_case("whoami"), "Whoami");
/// ```
pub fn snake_to_pascal_case(value: &str) -> String {
    if value.contains('_') {
        value.split('_').map(capitalize).collect()
    } else if value.chars().next().is_some_and(char::is_uppercase) {
        value.to_owned()
    } else {
        capitalize(value)
    }
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

/// Python's `normalize_toolkit_name`: spaces become underscores, then PascalCase.
///
/// ```
/// use arcade_tdk::names::normalize_toolkit_name;
/// assert_eq!(normalize_toolkit_name("sample_kit"), "SampleKit");
/// assert_eq!(normalize_toolkit_name("PagerDuty"), "PagerDuty");
/// ```
pub fn normalize_toolkit_name(name: &str) -> String {
    snake_to_pascal_case(&name.replace(' ', "_"))
}

/// A toolkit name from a crate name: `-` read as `_`, an `arcade_` prefix dropped.
///
/// ```
/// use arcade_tdk::names::toolkit_name_from_package;
/// assert_eq!(toolkit_name_from_package("arcade-pagerduty"), "Pagerduty");
/// assert_eq!(toolkit_name_from_package("sample_kit"), "SampleKit");
/// ```
pub fn toolkit_name_from_package(package: &str) -> String {
    let name = package.replace('-', "_");
    let name = name.strip_prefix("arcade_").unwrap_or(&name);
    normalize_toolkit_name(name)
}
