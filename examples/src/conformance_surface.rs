//! The resources, resource template and prompts the MCP conformance suite reads
//! (`resources-*`, `prompts-*`, `completion-complete`), each returning exactly what the
//! suite's scenario descriptions ask for. [`conformance::toolkit`](crate::conformance::toolkit)
//! adds them to the fixture tools.

use arcade_tdk::{
    Completer, Content, Prompt, PromptArgument, PromptMessage, Resource, ResourceContents,
    ResourceTemplate, Toolkit,
};

use crate::conformance::PNG_1X1;

/// The text of `test://static-text`.
pub const STATIC_TEXT: &str = "This is the content of the static text resource.";
/// The URI the suite subscribes to.
pub const WATCHED_URI: &str = "test://watched-resource";

/// `toolkit` with the suite's resources, template and prompts.
pub fn with_fixtures(toolkit: Toolkit) -> Toolkit {
    toolkit
        .resource(
            Resource::text(
                "test://static-text",
                "static-text",
                "text/plain",
                STATIC_TEXT,
            )
            .description("A static text resource for testing"),
        )
        .resource(
            Resource::blob(
                "test://static-binary",
                "static-binary",
                "image/png",
                PNG_1X1,
            )
            .description("A static binary resource (a 1x1 PNG) for testing"),
        )
        .resource(
            Resource::text(
                WATCHED_URI,
                "watched-resource",
                "text/plain",
                "Watched resource content",
            )
            .description("A resource to subscribe to"),
        )
        .resource_template(
            ResourceTemplate::new(
                "test://template/{id}/data",
                "template-data",
                |request| async move {
                    let id = request.param("id").unwrap_or_default();
                    let text = serde_json::json!({
                        "id": id,
                        "templateTest": true,
                        "data": format!("Data for ID: {id}"),
                    })
                    .to_string();
                    Ok(vec![ResourceContents::text(
                        request.uri(),
                        "application/json",
                        text,
                    )])
                },
            )
            .description("A resource template with an {id} parameter")
            .mime_type("application/json")
            .completer("id", Completer::from_list(["1", "2", "3", "123"])),
        )
        .prompt(
            Prompt::fixed(
                "test_simple_prompt",
                vec![PromptMessage::user(Content::text(
                    "This is a simple prompt for testing.",
                ))],
            )
            .description("A simple prompt without arguments"),
        )
        .prompt(
            Prompt::new("test_prompt_with_arguments", |args| async move {
                let (arg1, arg2) = (
                    args.get("arg1").unwrap_or(""),
                    args.get("arg2").unwrap_or(""),
                );
                Ok(vec![PromptMessage::user(Content::text(format!(
                    "Prompt with arguments: arg1='{arg1}', arg2='{arg2}'"
                )))])
            })
            .description("A prompt with required arguments")
            .argument(
                PromptArgument::new("arg1")
                    .description("First test argument")
                    .required(true)
                    .completer(Completer::from_list(["test", "testValue1", "other"])),
            )
            .argument(
                PromptArgument::new("arg2")
                    .description("Second test argument")
                    .required(true),
            ),
        )
        .prompt(
            Prompt::new("test_prompt_with_embedded_resource", |args| async move {
                let uri = args.get("resourceUri").unwrap_or_default();
                Ok(vec![
                    PromptMessage::user(Content::text_resource(
                        uri,
                        "text/plain",
                        "Embedded resource content for testing.",
                    )),
                    PromptMessage::user(Content::text(
                        "Please process the embedded resource above.",
                    )),
                ])
            })
            .description("A prompt with an embedded resource")
            .argument(
                PromptArgument::new("resourceUri")
                    .description("URI of the resource to embed")
                    .required(true),
            ),
        )
        .prompt(
            Prompt::with_context(
                "test_input_required_result_prompt",
                |_, context| async move {
                    let schema = serde_json::json!({
                        "type": "object",
                        "properties": { "context": { "type": "string" } },
                        "required": ["context"],
                    });
                    let answer = context
                        .input("user_context")
                        .elicit_with_schema("What context should the prompt use?", schema)
                        .await?;
                    let given = answer
                        .accepted()
                        .and_then(|content| content.get("context").cloned())
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default();
                    Ok(vec![PromptMessage::user(Content::text(format!(
                        "Use this context: {given}"
                    )))])
                },
            )
            .description("A prompt that asks the user for context (input_required at 2026-07-28)"),
        )
        .prompt(
            Prompt::fixed(
                "test_prompt_with_image",
                vec![
                    PromptMessage::user(Content::image(PNG_1X1, "image/png")),
                    PromptMessage::user(Content::text("Please analyze the image above.")),
                ],
            )
            .description("A prompt with image content"),
        )
}
