//! MCP Apps: a tool names a `ui://` page (`#[tool(ui = ...)]` or `Toolkit::tool_ui`),
//! the page is served as a resource, and `tools/list` and the Arcade definition carry
//! the link; a tool naming a page its toolkit does not serve fails the catalog.
#![cfg(feature = "testing")]

use arcade_tdk::app::APP_MIME_TYPE;
use arcade_tdk::serve::mcp::McpOptions;
use arcade_tdk::testing::mcp;
use arcade_tdk::{Catalog, CatalogError, Resource, Toolkit, tool};
use serde_json::json;

const PAGE: &str = "<!doctype html><title>View</title><p>view</p>";

/// Shows the status page.
#[tool(ui = "ui://kit/status.html", read_only)]
fn status() -> String {
    "all good".into()
}

/// Plain, without a UI.
#[tool]
fn plain() -> String {
    "plain".into()
}

fn toolkit() -> Toolkit {
    Toolkit::new("Kit")
        .resource(Resource::app("ui://kit/status.html", "status", PAGE))
        .resource(Resource::app("ui://kit/other.html", "other", PAGE))
        .tool(status::tool())
        .tool(plain::tool())
}

#[tokio::test]
async fn tools_list_links_the_ui_and_resources_read_serves_the_page() {
    let client = mcp::connect(toolkit(), McpOptions::new("kit", "1.0.0")).await;
    let tools = client.list_tools().await.unwrap();
    let status = tools.iter().find(|t| t["name"] == "Kit_Status").unwrap();
    assert_eq!(status["_meta"]["ui"]["resourceUri"], "ui://kit/status.html");
    assert_eq!(status["_meta"]["ui/resourceUri"], "ui://kit/status.html");
    // The Arcade metadata is still there beside it.
    assert_eq!(
        status["_meta"]["arcade"]["metadata"]["behavior"]["read_only"],
        true
    );
    let plain = tools.iter().find(|t| t["name"] == "Kit_Plain").unwrap();
    assert!(plain.get("_meta").is_none(), "{plain}");

    let read = client.read_resource("ui://kit/status.html").await.unwrap();
    assert_eq!(read["contents"][0]["mimeType"], APP_MIME_TYPE);
    assert_eq!(read["contents"][0]["text"], PAGE);
    let listed = client.list_resources().await.unwrap();
    assert!(
        listed
            .iter()
            .any(|r| r["uri"] == "ui://kit/status.html" && r["mimeType"] == APP_MIME_TYPE)
    );
}

#[test]
fn the_arcade_definition_carries_the_ui_as_arcades_worker_does() {
    let catalog = Catalog::new(toolkit()).unwrap();
    let entry = catalog.get("Kit.Status").unwrap();
    let definition = serde_json::to_value(entry.definition()).unwrap();
    assert_eq!(
        definition["_meta"],
        json!({"ui": {"resourceUri": "ui://kit/status.html"}})
    );
    let plain = serde_json::to_value(catalog.get("Kit.Plain").unwrap().definition()).unwrap();
    assert!(plain["_meta"].is_null());
}

#[test]
fn the_builder_sets_a_ui_and_wins_over_the_attribute() {
    let toolkit = Toolkit::new("Kit")
        .resource(Resource::app("ui://kit/status.html", "status", PAGE))
        .resource(Resource::app("ui://kit/other.html", "other", PAGE))
        .tool_ui(status::tool(), "ui://kit/other.html")
        .tool_ui(plain::tool(), "ui://kit/status.html");
    let catalog = Catalog::new(toolkit).unwrap();
    assert_eq!(
        catalog.get("Kit.Status").unwrap().ui_resource(),
        Some("ui://kit/other.html")
    );
    assert_eq!(
        catalog.get("Kit.Plain").unwrap().ui_resource(),
        Some("ui://kit/status.html")
    );
}

#[test]
fn a_ui_the_toolkit_does_not_serve_or_not_ui_scheme_fails_the_catalog() {
    let missing = Catalog::new(Toolkit::new("Kit").tool(status::tool())).unwrap_err();
    assert!(
        matches!(&missing, CatalogError::InvalidResource(m)
            if m.contains("Kit.Status") && m.contains("ui://kit/status.html") && m.contains("Resource::app")),
        "{missing}"
    );
    let toolkit = Toolkit::new("Kit")
        .resource(Resource::app("https://example.com/x", "x", PAGE))
        .tool_ui(plain::tool(), "https://example.com/x");
    let wrong = Catalog::new(toolkit).unwrap_err().to_string();
    assert!(wrong.contains("`ui://`"), "{wrong}");
}
