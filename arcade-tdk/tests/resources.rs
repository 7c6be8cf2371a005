//! Resources, resource templates, prompts and completion over MCP, through the
//! in-process client: what a client lists, reads and gets, and the errors it sees.
#![cfg(feature = "testing")]

use std::sync::Arc;
use std::time::Duration;

use arcade_tdk::serve::mcp::McpOptions;
use arcade_tdk::testing::mcp::{self, McpTestClient};
use arcade_tdk::{
    Catalog, CatalogError, Completer, Content, Prompt, PromptArgument, PromptError, PromptMessage,
    Resource, ResourceContents, ResourceError, ResourceTemplate, Toolkit,
};
use serde_json::{Value, json};

fn toolkit() -> Toolkit {
    Toolkit::new("Kit")
        .resource(
            Resource::text("kit://notes", "notes", "text/plain", "Some notes")
                .description("The notes")
                .title("Notes"),
        )
        .resource(Resource::blob(
            "kit://logo",
            "logo",
            "image/png",
            "iVBORw0KGgo=",
        ))
        .resource(Resource::text(
            "kit://other",
            "other",
            "text/plain",
            "Other",
        ))
        .resource_template(
            ResourceTemplate::new(
                "kit://users/{id}/profile",
                "profile",
                |request| async move {
                    let id = request.param("id").unwrap_or_default().to_owned();
                    match id.as_str() {
                        "boom" => Err(ResourceError::failed("the profile store is down")),
                        "ghost" => Ok(vec![]),
                        _ if id.parse::<u32>().is_err() => Err(ResourceError::invalid_params(
                            format!("id {id:?} is not a number"),
                        )),
                        _ => Ok(vec![ResourceContents::text(
                            request.uri(),
                            "application/json",
                            json!({ "id": id }).to_string(),
                        )]),
                    }
                },
            )
            .mime_type("application/json")
            .completer("id", Completer::from_list(["1", "12", "2"])),
        )
        .prompt(
            Prompt::new("summarize", |args| async move {
                let style = args.get("style").unwrap_or("short");
                if style == "bad" {
                    return Err(PromptError::invalid_argument("style bad is not a style"));
                }
                Ok(vec![
                    PromptMessage::user(Content::text(format!(
                        "Summarize {} in a {style} style",
                        args.get("topic").unwrap_or_default()
                    ))),
                    PromptMessage::assistant(Content::image("iVBORw0KGgo=", "image/png")),
                    PromptMessage::user(Content::text_resource(
                        "kit://notes",
                        "text/plain",
                        "Some notes",
                    )),
                ])
            })
            .description("Summarizes a topic")
            .argument(
                PromptArgument::new("topic")
                    .description("What to summarize")
                    .required(true),
            )
            .argument(
                PromptArgument::new("style")
                    .description("How")
                    .completer(Completer::from_list(["short", "long"])),
            ),
        )
}

async fn connect() -> McpTestClient {
    mcp::connect(toolkit(), McpOptions::new("kit", "1.0.0")).await
}

#[tokio::test]
async fn lists_resources_and_templates() {
    let client = connect().await;
    let resources = client.list_resources().await.unwrap();
    assert_eq!(
        resources[0],
        json!({"uri": "kit://notes", "name": "notes", "title": "Notes", "description": "The notes", "mimeType": "text/plain"})
    );
    assert_eq!(resources.len(), 3);
    let templates = client.list_resource_templates().await.unwrap();
    assert_eq!(
        templates,
        [
            json!({"uriTemplate": "kit://users/{id}/profile", "name": "profile", "mimeType": "application/json"})
        ]
    );
}

#[tokio::test]
async fn reads_text_blob_and_templates() {
    let client = connect().await;
    let text = client.read_resource("kit://notes").await.unwrap();
    assert_eq!(
        text["contents"],
        json!([{"uri": "kit://notes", "mimeType": "text/plain", "text": "Some notes"}])
    );
    let blob = client.read_resource("kit://logo").await.unwrap();
    assert_eq!(blob["contents"][0]["blob"], "iVBORw0KGgo=");
    assert!(blob["contents"][0].get("text").is_none());
    let profile = client
        .read_resource("kit://users/42/profile")
        .await
        .unwrap();
    assert_eq!(profile["contents"][0]["text"], r#"{"id":"42"}"#);
    assert_eq!(profile["contents"][0]["uri"], "kit://users/42/profile");
}

#[tokio::test]
async fn unknown_resources_and_bad_params_are_clear_errors() {
    let client = connect().await;
    let unknown = client.read_resource("kit://nothing").await.unwrap_err();
    assert_eq!(unknown.code, -32002);
    assert_eq!(unknown.data, Some(json!({"uri": "kit://nothing"})));
    assert!(unknown.message.contains("kit://nothing"), "{unknown:?}");
    // A URI that matches the template's shape only partly is not found.
    let partial = client.read_resource("kit://users/42").await.unwrap_err();
    assert_eq!(partial.code, -32002);
    // A function answering nothing is not found either (never empty contents).
    let ghost = client
        .read_resource("kit://users/ghost/profile")
        .await
        .unwrap_err();
    assert_eq!(ghost.code, -32002);
    let bad = client
        .read_resource("kit://users/abc/profile")
        .await
        .unwrap_err();
    assert_eq!(bad.code, -32602);
    assert!(
        bad.message.contains(r#"id "abc" is not a number"#),
        "{bad:?}"
    );
    let failed = client
        .read_resource("kit://users/boom/profile")
        .await
        .unwrap_err();
    assert_eq!(failed.code, -32603);
    assert!(
        failed.message.contains("the profile store is down"),
        "{failed:?}"
    );
}

/// Waits (bounded) until `n` resource updates have arrived.
async fn updates_after(client: &McpTestClient, n: usize) -> Vec<Value> {
    for _ in 0..200 {
        let updates = client.notifications_named("notifications/resources/updated");
        if updates.len() >= n {
            return updates;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("fewer than {n} resource updates arrived")
}

#[tokio::test]
async fn subscribers_hear_updates_until_they_unsubscribe() {
    let toolkit = toolkit();
    let updates = toolkit.resource_updates();
    let catalog = Arc::new(Catalog::new(toolkit).unwrap());
    let client = mcp::connect(catalog.clone(), McpOptions::new("kit", "1.0.0")).await;
    let bystander = mcp::connect(catalog, McpOptions::new("kit", "1.0.0")).await;
    client.subscribe_resource("kit://notes").await.unwrap();
    client
        .subscribe_resource("kit://users/7/profile")
        .await
        .unwrap();
    updates.updated("kit://notes");
    updates.updated("kit://logo"); // not subscribed
    updates.updated("kit://users/7/profile");
    let seen = updates_after(&client, 2).await;
    assert_eq!(
        seen,
        [
            json!({"uri": "kit://notes"}),
            json!({"uri": "kit://users/7/profile"})
        ]
    );

    client.unsubscribe_resource("kit://notes").await.unwrap();
    updates.updated("kit://notes");
    updates.updated("kit://users/7/profile");
    let seen = updates_after(&client, 3).await;
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_eq!(seen[2], json!({"uri": "kit://users/7/profile"}));
    // A session of the same catalog that did not subscribe never hears them.
    assert!(
        bystander
            .notifications_named("notifications/resources/updated")
            .is_empty()
    );

    let unknown = client
        .subscribe_resource("kit://nothing")
        .await
        .unwrap_err();
    assert_eq!(unknown.code, -32002);
}

#[tokio::test]
async fn prompts_list_and_get() {
    let client = connect().await;
    let prompts = client.list_prompts().await.unwrap();
    assert_eq!(
        prompts,
        [json!({
            "name": "summarize",
            "description": "Summarizes a topic",
            "arguments": [
                {"name": "topic", "description": "What to summarize", "required": true},
                {"name": "style", "description": "How", "required": false},
            ],
        })]
    );
    let got = client
        .get_prompt("summarize", json!({"topic": "Rust", "style": "long"}))
        .await
        .unwrap();
    assert_eq!(got["description"], "Summarizes a topic");
    let messages = got["messages"].as_array().unwrap();
    assert_eq!(
        messages[0],
        json!({"role": "user", "content": {"type": "text", "text": "Summarize Rust in a long style"}})
    );
    assert_eq!(messages[1]["role"], "assistant");
    assert_eq!(messages[1]["content"]["type"], "image");
    assert_eq!(messages[2]["content"]["resource"]["uri"], "kit://notes");
}

#[tokio::test]
async fn prompt_argument_errors_are_invalid_params() {
    let client = connect().await;
    let cases = [
        ("summarize", json!({}), "Missing required argument: topic"),
        (
            "summarize",
            json!({"topic": "x", "tone": "y"}),
            "Unknown argument: tone",
        ),
        (
            "summarize",
            json!({"topic": 3}),
            "Argument topic must be a string",
        ),
        (
            "summarize",
            json!({"topic": "x", "style": "bad"}),
            "style bad is not a style",
        ),
        ("nothing", json!({}), "Unknown prompt: nothing"),
    ];
    for (name, args, message) in cases {
        let err = client.get_prompt(name, args.clone()).await.unwrap_err();
        assert_eq!(err.code, -32602, "{name} {args}: {err:?}");
        assert!(err.message.contains(message), "{name} {args}: {err:?}");
    }
}

#[tokio::test]
async fn completes_prompt_arguments_and_template_params() {
    let client = connect().await;
    let style = client
        .complete_prompt_argument("summarize", "style", "l")
        .await
        .unwrap();
    assert_eq!(
        style,
        json!({"values": ["long"], "total": 1, "hasMore": false})
    );
    // An argument without a completer has no suggestions.
    let topic = client
        .complete_prompt_argument("summarize", "topic", "R")
        .await
        .unwrap();
    assert_eq!(topic["values"], json!([]));
    let id = client
        .complete_resource_param("kit://users/{id}/profile", "id", "1")
        .await
        .unwrap();
    assert_eq!(id["values"], json!(["1", "12"]));
    let err = client
        .complete_prompt_argument("nothing", "x", "")
        .await
        .unwrap_err();
    assert_eq!(err.code, -32602);
    let err = client
        .complete_prompt_argument("summarize", "tone", "")
        .await
        .unwrap_err();
    assert_eq!(err.code, -32602);
    let err = client
        .complete_resource_param("kit://none/{x}", "x", "")
        .await
        .unwrap_err();
    assert_eq!(err.code, -32602);
}

#[tokio::test]
async fn capabilities_follow_what_is_declared() {
    let client = connect().await;
    let capabilities = &client.server_info()["capabilities"];
    assert_eq!(capabilities["resources"], json!({"subscribe": true}));
    assert_eq!(capabilities["completions"], json!({}));
    // A toolkit without any keeps the empty lists Arcade's Python server declares.
    let plain = mcp::connect(Toolkit::new("Plain"), McpOptions::new("plain", "1.0.0")).await;
    let capabilities = &plain.server_info()["capabilities"];
    assert_eq!(capabilities["resources"], json!({}));
    assert_eq!(capabilities["prompts"], json!({}));
    assert!(capabilities.get("completions").is_none(), "{capabilities}");
    assert!(plain.list_resources().await.unwrap().is_empty());
    assert_eq!(
        plain.read_resource("kit://notes").await.unwrap_err().code,
        -32002
    );
}

#[test]
fn catalog_rejects_what_cannot_be_served() {
    let twice = Toolkit::new("A")
        .resource(Resource::text("a://x", "x", "text/plain", "1"))
        .resource(Resource::text("a://x", "y", "text/plain", "2"));
    assert!(
        matches!(Catalog::new(twice), Err(CatalogError::InvalidResource(m)) if m.contains("a://x"))
    );
    let level2 =
        Toolkit::new("A").resource_template(ResourceTemplate::new("a://{+path}", "p", |_| async {
            Ok(vec![])
        }));
    let err = Catalog::new(level2).unwrap_err();
    assert!(err.to_string().contains("level 1"), "{err}");
    let stray = Toolkit::new("A").resource_template(
        ResourceTemplate::new("a://{id}", "p", |_| async { Ok(vec![]) })
            .completer("name", Completer::from_list(["x"])),
    );
    let err = Catalog::new(stray).unwrap_err();
    assert!(err.to_string().contains("`name`"), "{err}");
    let prompts = Toolkit::new("A")
        .prompt(Prompt::fixed("p", vec![]))
        .prompt(Prompt::fixed("p", vec![]));
    assert!(matches!(
        Catalog::new(prompts),
        Err(CatalogError::InvalidPrompt(_))
    ));
}

/// Reads a resource through its context.
#[arcade_tdk::tool]
async fn read_through_context(
    context: &arcade_tdk::ToolContext,
    /// The URI
    uri: String,
) -> Result<String, arcade_tdk::ToolError> {
    let listed = context.resources().list().len();
    let contents = context
        .resources()
        .read(&uri)
        .await
        .map_err(|e| arcade_tdk::ToolError::execution(e.to_string()))?;
    Ok(format!(
        "{listed} {}",
        contents[0].text.clone().unwrap_or_default()
    ))
}

#[tokio::test]
async fn tools_read_their_own_toolkits_resources() {
    let a = Toolkit::new("A")
        .resource(Resource::text("a://one", "one", "text/plain", "from A"))
        .tool(read_through_context::tool());
    let b = Toolkit::new("B").resource(Resource::text("b://two", "two", "text/plain", "from B"));
    let catalog = Catalog::filtered([a, b], &Default::default()).unwrap();
    assert_eq!(catalog.resources().list().len(), 2);
    let entry = catalog.get("A.ReadThroughContext").unwrap();
    let call = |uri: &str| {
        let args = json!({ "uri": uri }).as_object().unwrap().clone();
        arcade_tdk::executor::execute(entry, args, Default::default())
    };
    let own = call("a://one").await.into_output();
    assert_eq!(own.value, Some(json!("1 from A")));
    let other = call("b://two").await.into_output();
    let error = other.error.expect("B's resource is not A's");
    assert!(
        error.message.contains("Resource not found: b://two"),
        "{error:?}"
    );
}

#[tokio::test]
async fn subscriptions_per_session_are_bounded() {
    let client = connect().await;
    for n in 0..1024 {
        let uri = format!("kit://users/{n}/profile");
        client.subscribe_resource(&uri).await.unwrap();
    }
    // Subscribing again to a subscribed URI is fine; one more is not.
    client
        .subscribe_resource("kit://users/0/profile")
        .await
        .unwrap();
    let err = client.subscribe_resource("kit://notes").await.unwrap_err();
    assert_eq!(err.code, -32602);
    assert!(err.message.contains("Too many subscriptions"), "{err:?}");
    // Another session has its own.
    connect()
        .await
        .subscribe_resource("kit://notes")
        .await
        .unwrap();
}

/// A template that needs a token and a secret: read over MCP (a 2025-11-25 session)
/// with the server's token and secret, and a clear requirements error (nothing of the
/// values in it) when they are missing; the function does not run then.
#[tokio::test]
async fn resources_with_requirements_read_with_the_callers_credentials() {
    use arcade_tdk::auth::ToolAuthorization;
    use arcade_tdk::serve::local::LocalEnvironment;
    let template = ResourceTemplate::new("kit://secure/{id}", "secure", |request| async move {
        let context = request.context();
        let token = context.authorization.token()?;
        let key = context.get_secret("KIT_KEY")?;
        if request.param("id") == Some("leak") {
            return Err(ResourceError::failed(format!(
                "upstream said {token} {key}"
            )));
        }
        let user = context.user_id.clone().unwrap_or_default();
        let text = format!("{user}:{}:{}", token.len(), key.len());
        Ok(vec![ResourceContents::text(
            request.uri(),
            "text/plain",
            text,
        )])
    })
    .requires_auth(ToolAuthorization::oauth2(
        Some("kitcorp"),
        None,
        Some(&["read"]),
    ))
    .requires_secrets(["KIT_KEY"]);
    let toolkit = || Toolkit::new("Kit").resource_template(template.clone());
    let env = LocalEnvironment::from_vars([
        ("KITCORP_ACCESS_TOKEN", "kit-token-123456"),
        ("KIT_KEY", "kit-key-98765"),
        ("ARCADE_USER_ID", "dev@example.com"),
    ]);
    let options = McpOptions::new("kit", "1.0.0").with_environment(Arc::new(env));
    let client = mcp::connect(toolkit(), options).await;
    let read = client.read_resource("kit://secure/1").await.unwrap();
    assert_eq!(read["contents"][0]["text"], "dev@example.com:16:13");
    let leak = client.read_resource("kit://secure/leak").await.unwrap_err();
    assert_eq!(leak.code, -32603, "{leak:?}");
    assert!(
        leak.message.contains("upstream said [redacted] [redacted]"),
        "{leak:?}"
    );

    // No token, no secret: the requirement is named, the function never ran.
    let client = mcp::connect(toolkit(), McpOptions::new("kit", "1.0.0")).await;
    let error = client.read_resource("kit://secure/1").await.unwrap_err();
    assert_eq!(error.code, -32603, "{error:?}");
    assert!(
        error.message.contains("Missing secret: KIT_KEY"),
        "{error:?}"
    );
    assert!(
        error.message.contains("Resource 'kit://secure/1'"),
        "{error:?}"
    );
    let data = error.data.unwrap();
    assert_eq!(data["errorKind"], "TOOL_REQUIREMENTS_NOT_MET");
    assert!(
        data["llm_instructions"]
            .as_str()
            .unwrap()
            .contains("KIT_KEY")
    );

    let env = LocalEnvironment::from_vars([("KIT_KEY", "kit-key-98765")]);
    let options = McpOptions::new("kit", "1.0.0").with_environment(Arc::new(env));
    let client = mcp::connect(toolkit(), options).await;
    let error = client.read_resource("kit://secure/1").await.unwrap_err();
    assert!(
        error.message.to_lowercase().contains("kitcorp"),
        "{error:?}"
    );
    assert_eq!(
        error.data.unwrap()["errorKind"],
        "TOOL_REQUIREMENTS_NOT_MET"
    );
}
