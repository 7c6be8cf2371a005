//! Toolkits and the catalog: names, lookup, duplicates and filters.

use arcade_examples::{conformance, sample_kit};
use arcade_tdk::{Catalog, CatalogError, ToolFilter, ToolNames, Toolkit, definition};

fn names(catalog: &Catalog) -> Vec<&str> {
    catalog
        .entries()
        .iter()
        .map(|e| e.fully_qualified_name())
        .collect()
}

#[test]
fn lookup_is_case_insensitive_by_dotted_or_underscored_name() {
    let catalog = Catalog::new(sample_kit::toolkit()).unwrap();
    for name in [
        "SampleKit.Echo",
        "samplekit.echo",
        "SampleKit_Echo",
        "SAMPLEKIT_ECHO",
    ] {
        assert_eq!(
            catalog.get(name).unwrap().fully_qualified_name(),
            "SampleKit.Echo",
            "{name}"
        );
    }
    assert!(catalog.get("SampleKit.Nope").is_none());
    assert!(
        catalog.get("Echo").is_none(),
        "a bare tool name is ambiguous across toolkits"
    );
    let by_parts = catalog.get_parts("samplekit", "echo", None).unwrap();
    assert_eq!(by_parts.mcp_name(), "SampleKit_Echo");
    assert!(
        catalog
            .get_parts("SampleKit", "Echo", Some("1.0.0"))
            .is_some()
    );
    assert!(
        catalog
            .get_parts("SampleKit", "Echo", Some("2.0.0"))
            .is_none()
    );
}

#[test]
fn entries_are_sorted_and_named_as_python_names_them() {
    let catalog = Catalog::new(sample_kit::toolkit()).unwrap();
    let names = names(&catalog);
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert!(names.contains(&"SampleKit.ListIncidentsOauth2"));
    assert!(names.contains(&"SampleKit.Oauth2ById"));
}

#[test]
fn a_tool_registered_twice_is_a_clear_error() {
    let toolkit = Toolkit::new("Dup")
        .tool(sample_kit::echo::tool())
        .tool(sample_kit::echo::tool());
    let err = Catalog::new(toolkit).unwrap_err();
    assert_eq!(err, CatalogError::DuplicateTool("Dup.Echo".into()));
    assert!(err.to_string().contains("Dup.Echo is registered twice"));
}

#[test]
fn disabled_tools_and_toolkits_are_left_out() {
    let filter = ToolFilter::from_lists("samplekit.echo, SampleKit.Fail", "");
    let catalog = Catalog::filtered([sample_kit::toolkit()], &filter).unwrap();
    assert_eq!(catalog.len(), 10);
    assert!(catalog.get("SampleKit.Echo").is_none() && catalog.get("SampleKit.Fail").is_none());

    let filter = ToolFilter::from_lists("", "SAMPLEKIT");
    let other = Toolkit::new("Other").tool(sample_kit::echo::tool());
    let catalog = Catalog::filtered([sample_kit::toolkit(), other], &filter).unwrap();
    assert_eq!(names(&catalog), vec!["Other.Echo"]);
}

#[test]
fn only_exclude_and_read_only_filters() {
    let only = ToolFilter {
        only: Some(vec!["SampleKit_Echo".into(), "AddNumbers".into()]),
        ..Default::default()
    };
    let catalog = Catalog::filtered([sample_kit::toolkit()], &only).unwrap();
    assert_eq!(
        names(&catalog),
        vec!["SampleKit.AddNumbers", "SampleKit.Echo"]
    );

    let read_only = ToolFilter {
        read_only: true,
        ..Default::default()
    };
    let catalog = Catalog::filtered([sample_kit::toolkit()], &read_only).unwrap();
    assert_eq!(names(&catalog), vec!["SampleKit.GetFlags"]);
}

#[test]
fn toolkit_names_follow_pythons_rules() {
    assert_eq!(Toolkit::new("sample_kit").get_name(), "SampleKit");
    assert_eq!(Toolkit::new("my kit").get_name(), "MyKit");
    assert_eq!(
        Toolkit::from_package("arcade-pagerduty", "0.3.0", "").get_name(),
        "Pagerduty"
    );
    let named = Toolkit::new("x").name("PagerDuty");
    assert_eq!(named.get_name(), "PagerDuty");
}

#[test]
fn declared_names_for_mcp_keep_arcade_names_resolvable() {
    let catalog = Catalog::filtered(
        [conformance::toolkit(), sample_kit::toolkit()],
        &ToolFilter::default(),
    )
    .unwrap();
    let simple = catalog.get("test_simple_text").unwrap();
    assert_eq!(simple.mcp_name(), "test_simple_text");
    assert_eq!(simple.fully_qualified_name(), "Conformance.TestSimpleText");
    assert_eq!(simple.definition().name, "TestSimpleText");
    assert_eq!(
        definition::mcp::tool(simple)["name"],
        "test_simple_text",
        "tools/list shows the declared name"
    );
    for name in [
        "Conformance_TestSimpleText",
        "Conformance.TestSimpleText",
        "TEST_SIMPLE_TEXT",
    ] {
        assert_eq!(
            catalog.get(name).map(|e| e.mcp_name()),
            Some("test_simple_text"),
            "{name}"
        );
    }
    // The other toolkit keeps Arcade's names; the default is Qualified.
    assert_eq!(
        catalog.get("SampleKit_Echo").unwrap().mcp_name(),
        "SampleKit_Echo"
    );
    assert_eq!(Toolkit::new("x").get_tool_names(), ToolNames::Qualified);
    // Filters accept the declared name too.
    let filter = ToolFilter {
        only: Some(vec!["test_error_handling".into()]),
        ..ToolFilter::default()
    };
    let only = Catalog::filtered([conformance::toolkit()], &filter).unwrap();
    assert_eq!(names(&only), ["Conformance.TestErrorHandling"]);
}

#[test]
fn declared_names_must_be_unique_across_toolkits() {
    let twice = Catalog::filtered(
        [conformance::toolkit(), conformance::toolkit().name("Other")],
        &ToolFilter::default(),
    );
    match twice {
        Err(CatalogError::DuplicateMcpName(name)) => assert!(name.starts_with("test_"), "{name}"),
        other => panic!("expected DuplicateMcpName, got {other:?}"),
    }
}
