//! The in-process MCP client's requests for resources, prompts and completion.
//!
//! ```
//! use arcade_tdk::{Content, Prompt, PromptMessage, Resource, Toolkit};
//! use arcade_tdk::serve::mcp::McpOptions;
//! use arcade_tdk::testing::mcp;
//! use serde_json::json;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let toolkit = Toolkit::new("Kit")
//!     .resource(Resource::text("kit://hello", "hello", "text/plain", "Hello"))
//!     .prompt(Prompt::fixed("greet", vec![PromptMessage::user(Content::text("Hi"))]));
//! let client = mcp::connect(toolkit, McpOptions::new("kit", "1.0.0")).await;
//! let read = client.read_resource("kit://hello").await.unwrap();
//! assert_eq!(read["contents"][0]["text"], "Hello");
//! let prompt = client.get_prompt("greet", json!({})).await.unwrap();
//! assert_eq!(prompt["messages"][0]["content"]["text"], "Hi");
//! let unknown = client.read_resource("kit://nothing").await.unwrap_err();
//! assert_eq!(unknown.code, -32002);
//! # }
//! ```

use serde_json::{Value, json};

use super::mcp::{McpTestClient, RpcError};

impl McpTestClient {
    /// `resources/templates/list`, every page.
    pub async fn list_resource_templates(&self) -> Result<Vec<Value>, RpcError> {
        let page = self.request("resources/templates/list", json!({})).await?;
        Ok(page["resourceTemplates"]
            .as_array()
            .cloned()
            .unwrap_or_default())
    }

    /// `resources/read` of `uri`: the result (`contents`).
    pub async fn read_resource(&self, uri: &str) -> Result<Value, RpcError> {
        self.request("resources/read", json!({ "uri": uri })).await
    }

    /// `resources/subscribe` to `uri`; updates then arrive as
    /// `notifications/resources/updated` ([`notifications_named`](Self::notifications_named)).
    pub async fn subscribe_resource(&self, uri: &str) -> Result<(), RpcError> {
        self.request("resources/subscribe", json!({ "uri": uri }))
            .await
            .map(drop)
    }

    /// `resources/unsubscribe` from `uri`.
    pub async fn unsubscribe_resource(&self, uri: &str) -> Result<(), RpcError> {
        self.request("resources/unsubscribe", json!({ "uri": uri }))
            .await
            .map(drop)
    }

    /// `prompts/get` of `name` with `arguments` (a JSON object of strings): the result
    /// (`description`, `messages`).
    pub async fn get_prompt(&self, name: &str, arguments: Value) -> Result<Value, RpcError> {
        self.request(
            "prompts/get",
            json!({ "name": name, "arguments": arguments }),
        )
        .await
    }

    /// `completion/complete` of the argument `argument` of the prompt `name`, given
    /// `typed`: the `completion` object (`values`, `total`, `hasMore`).
    pub async fn complete_prompt_argument(
        &self,
        name: &str,
        argument: &str,
        typed: &str,
    ) -> Result<Value, RpcError> {
        let reference = json!({ "type": "ref/prompt", "name": name });
        self.complete(reference, argument, typed).await
    }

    /// `completion/complete` of the parameter `param` of the resource template
    /// `uri_template`, given `typed`: the `completion` object.
    pub async fn complete_resource_param(
        &self,
        uri_template: &str,
        param: &str,
        typed: &str,
    ) -> Result<Value, RpcError> {
        let reference = json!({ "type": "ref/resource", "uri": uri_template });
        self.complete(reference, param, typed).await
    }

    async fn complete(&self, reference: Value, name: &str, typed: &str) -> Result<Value, RpcError> {
        let params = json!({ "ref": reference, "argument": { "name": name, "value": typed } });
        let result = self.request("completion/complete", params).await?;
        Ok(result["completion"].clone())
    }
}
