//! Arcade's service domains and operations, as `#[tool]` accepts them. The runtime's
//! enums (`arcade_tdk::metadata`) are the other half: the tests below fail when the
//! two lists differ, so a domain added to one must be added to the other.

/// Arcade's service domains, as written in `service_domains = [...]`.
pub(crate) const SERVICE_DOMAINS: &[&str] = &[
    "project_management",
    "crm",
    "contacts",
    "email",
    "calendar",
    "messaging",
    "documents",
    "cloud_storage",
    "spreadsheets",
    "presentations",
    "design",
    "source_code",
    "payments",
    "social_media",
    "video_hosting",
    "music_streaming",
    "customer_support",
    "ecommerce",
    "incident_management",
    "web_scraping",
    "code_sandbox",
    "video_conferencing",
    "geospatial",
    "financial_data",
    "travel",
    "product_analytics",
    "observability",
    "sales_intelligence",
    "survey",
    "business_intelligence",
];

/// Arcade's operations, as written in `operations = [...]`.
pub(crate) const OPERATIONS: &[&str] = &["read", "create", "update", "delete", "opaque"];

/// The enum variant a snake_case name stands for (`incident_management` →
/// `IncidentManagement`), as the generated code names it.
pub(crate) fn variant(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use arcade_tdk::__private::{self as runtime, serde_json};

    use super::*;

    /// The wire names of the runtime's values, in declaration order.
    fn wire_names<T: runtime::serde::Serialize>(values: &[T]) -> Vec<String> {
        values
            .iter()
            .map(|v| match serde_json::to_value(v).unwrap() {
                serde_json::Value::String(s) => s,
                other => panic!("not a string: {other}"),
            })
            .collect()
    }

    #[test]
    fn service_domains_are_the_runtimes() {
        assert_eq!(wire_names(runtime::SERVICE_DOMAINS), SERVICE_DOMAINS);
    }

    #[test]
    fn operations_are_the_runtimes() {
        assert_eq!(wire_names(runtime::OPERATIONS), OPERATIONS);
    }

    #[test]
    fn variants_are_the_runtimes() {
        // The generated code names `ServiceDomain::<variant>`: the Debug name of a
        // unit variant is the variant's name.
        let debug: Vec<String> = runtime::SERVICE_DOMAINS
            .iter()
            .map(|d| format!("{d:?}"))
            .collect();
        let ours: Vec<String> = SERVICE_DOMAINS.iter().map(|d| variant(d)).collect();
        assert_eq!(debug, ours);
        let debug: Vec<String> = runtime::OPERATIONS
            .iter()
            .map(|o| format!("{o:?}"))
            .collect();
        let ours: Vec<String> = OPERATIONS.iter().map(|o| variant(o)).collect();
        assert_eq!(debug, ours);
    }
}
