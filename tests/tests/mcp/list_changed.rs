//! list-changed: a `ServedCatalog` handle replaces what a running server serves; the
//! server advertises `listChanged` only with the handle, and a 2025-11-25 session is
//! told which lists changed, then lists the new ones.

use arcade_tdk::serve::mcp::{McpOptions, ServedCatalog};
use arcade_tdk::testing::mcp;
use arcade_tdk::{Catalog, Content, Prompt, PromptMessage, Resource, Toolkit, tool};
use serde_json::json;

/// Echo the input text.
#[tool]
fn echo(
    /// Text to echo back
    text: String,
) -> String {
    text
}

/// Shout the input text.
#[tool]
fn shout(
    /// Text to shout
    text: String,
) -> String {
    text.to_uppercase()
}

fn first() -> Toolkit {
    Toolkit::new("Kit").tool(echo::tool())
}

#[tokio::test]
async fn a_session_hears_of_changes_and_lists_the_new_set() {
    let served = ServedCatalog::new();
    let options = McpOptions::new("kit", "1.0.0").with_served(served.clone());
    let client = mcp::connect(first(), options).await;
    let capabilities = &client.server_info()["capabilities"];
    assert_eq!(capabilities["tools"]["listChanged"], true, "{capabilities}");
    assert_eq!(
        capabilities["resources"]["listChanged"], true,
        "{capabilities}"
    );
    assert_eq!(
        capabilities["prompts"]["listChanged"], true,
        "{capabilities}"
    );
    let tools = client.list_tools().await.unwrap();
    assert_eq!(tools.len(), 1);

    // A new tool and a resource; the prompts stay (none).
    let next = Toolkit::new("Kit")
        .tool(echo::tool())
        .tool(shout::tool())
        .resource(Resource::text("kit://notes", "notes", "text/plain", "hi"));
    served.replace(Catalog::new(next).unwrap()).await;
    // A round trip: the notifications were sent before its answer.
    let tools = client.list_tools().await.unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Kit_Echo", "Kit_Shout"]);
    assert_eq!(
        client
            .notifications_named("notifications/tools/list_changed")
            .len(),
        1
    );
    assert_eq!(
        client
            .notifications_named("notifications/resources/list_changed")
            .len(),
        1
    );
    assert!(
        client
            .notifications_named("notifications/prompts/list_changed")
            .is_empty()
    );
    let shouted = client
        .call_tool("Kit_Shout", json!({"text": "hey"}))
        .await
        .unwrap();
    assert_eq!(shouted.structured()["result"], "HEY");
    assert_eq!(client.list_resources().await.unwrap().len(), 1);

    // Only a prompt changes: only prompts are announced; a removed tool is gone.
    let prompt = Prompt::new("greet", |_| async {
        Ok(vec![PromptMessage::user(Content::text("hi"))])
    });
    let last = Toolkit::new("Kit")
        .tool(shout::tool())
        .resource(Resource::text("kit://notes", "notes", "text/plain", "hi"))
        .prompt(prompt);
    served.replace(Catalog::new(last).unwrap()).await;
    assert_eq!(client.list_prompts().await.unwrap().len(), 1);
    assert_eq!(
        client
            .notifications_named("notifications/tools/list_changed")
            .len(),
        2
    );
    assert_eq!(
        client
            .notifications_named("notifications/resources/list_changed")
            .len(),
        1
    );
    assert_eq!(
        client
            .notifications_named("notifications/prompts/list_changed")
            .len(),
        1
    );
    let gone = client
        .call_tool("Kit_Echo", json!({"text": "x"}))
        .await
        .unwrap_err();
    assert_eq!(gone.code, -32602, "{gone:?}");
}

#[tokio::test]
async fn without_the_handle_nothing_is_advertised() {
    let client = mcp::connect(first(), McpOptions::new("kit", "1.0.0")).await;
    let capabilities = &client.server_info()["capabilities"];
    assert!(
        capabilities["tools"]
            .get("listChanged")
            .is_none_or(|v| v == false),
        "{capabilities}"
    );
    assert!(
        capabilities["prompts"]
            .get("listChanged")
            .is_none_or(|v| v == false),
        "{capabilities}"
    );
}
