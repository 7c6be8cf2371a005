//! A tool written with `#[tool(preset = ...)]` has the same definitions (Arcade, MCP,
//! OpenAI, Anthropic) as the same tool with the preset's keys written out.

use arcade_tdk::definition::{llm, mcp};
use arcade_tdk::{Catalog, Toolkit};
use serde_json::{Value, json};

mod presets {
    arcade_tdk::tool_preset! {
        /// Reads of the PagerDuty REST API.
        pub(crate) pagerduty_read = (
            requires_auth = PagerDuty(scopes = ["read"]),
            read_only, idempotent, open_world, destructive = false,
            operations = [read], service_domains = [incident_management],
        );
        /// Writes, with secrets, metadata and extras.
        pub(crate) pagerduty_write = (
            requires_auth = PagerDuty(scopes = ["write"]),
            requires_secrets = ["PD_FROM"],
            requires_metadata = ["client_id"],
            destructive = false, idempotent = false, open_world,
            operations = [create], service_domains = [incident_management],
            extras(team = "ops", retries = 2),
        );
    }
}

mod with_preset {
    use arcade_tdk::{ToolContext, ToolError, tool};

    /// List incidents.
    #[tool(preset = super::presets::pagerduty_read, output = "Incidents")]
    pub async fn list_incidents(
        /// At most this many
        limit: Option<u32>,
        context: ToolContext,
    ) -> Result<Vec<String>, ToolError> {
        let _ = context;
        Ok(vec![limit.unwrap_or(0).to_string()])
    }

    /// Create an incident.
    #[tool(name = "OpenIncident", deprecated = "use CreateIncident", preset = super::presets::pagerduty_write,)]
    pub fn create_incident(
        /// Its title
        title: String,
    ) -> String {
        title
    }
}

mod written_out {
    use arcade_tdk::{ToolContext, ToolError, tool};

    /// List incidents.
    #[tool(
        requires_auth = PagerDuty(scopes = ["read"]),
        read_only, idempotent, open_world, destructive = false,
        operations = [read], service_domains = [incident_management],
        output = "Incidents",
    )]
    pub async fn list_incidents(
        /// At most this many
        limit: Option<u32>,
        context: ToolContext,
    ) -> Result<Vec<String>, ToolError> {
        let _ = context;
        Ok(vec![limit.unwrap_or(0).to_string()])
    }

    /// Create an incident.
    #[tool(
        requires_auth = PagerDuty(scopes = ["write"]),
        requires_secrets = ["PD_FROM"],
        requires_metadata = ["client_id"],
        destructive = false, idempotent = false, open_world,
        operations = [create], service_domains = [incident_management],
        extras(team = "ops", retries = 2),
        name = "OpenIncident", deprecated = "use CreateIncident",
    )]
    pub fn create_incident(
        /// Its title
        title: String,
    ) -> String {
        title
    }
}

fn catalog(toolkit: Toolkit) -> Catalog {
    Catalog::new(toolkit.version("1.2.3").description("PagerDuty")).unwrap()
}

fn every_definition(catalog: &Catalog) -> Vec<Value> {
    catalog
        .entries()
        .iter()
        .map(|e| {
            json!({
                "arcade": serde_json::to_value(e.definition()).unwrap(),
                "mcp": mcp::tool(e),
                "openai": llm::openai(e),
                "anthropic": llm::anthropic(e),
            })
        })
        .collect()
}

#[test]
fn a_preset_tool_has_the_definitions_of_the_tool_written_out() {
    let preset = catalog(
        Toolkit::new("PagerDuty")
            .tool(with_preset::list_incidents::tool())
            .tool(with_preset::create_incident::tool()),
    );
    let full = catalog(
        Toolkit::new("PagerDuty")
            .tool(written_out::list_incidents::tool())
            .tool(written_out::create_incident::tool()),
    );
    let (preset, full) = (every_definition(&preset), every_definition(&full));
    assert_eq!(preset.len(), 2);
    assert_eq!(
        serde_json::to_string_pretty(&preset).unwrap(),
        serde_json::to_string_pretty(&full).unwrap()
    );
}

#[test]
fn the_preset_keys_and_the_tools_own_keys_both_apply() {
    let catalog = catalog(
        Toolkit::new("PagerDuty")
            .tool(with_preset::list_incidents::tool())
            .tool(with_preset::create_incident::tool()),
    );
    let list =
        serde_json::to_value(catalog.get("PagerDuty.ListIncidents").unwrap().definition()).unwrap();
    assert_eq!(
        list["requirements"]["authorization"]["provider_id"],
        "pagerduty"
    );
    assert_eq!(
        list["requirements"]["authorization"]["oauth2"]["scopes"],
        json!(["read"])
    );
    assert_eq!(list["output"]["description"], "Incidents");
    let create =
        serde_json::to_value(catalog.get("PagerDuty.OpenIncident").unwrap().definition()).unwrap();
    assert_eq!(
        create["requirements"]["authorization"]["oauth2"]["scopes"],
        json!(["write"])
    );
    assert_eq!(create["requirements"]["secrets"][0]["key"], "PD_FROM");
    assert_eq!(create["deprecation_message"], "use CreateIncident");
    let text = create.to_string();
    assert!(text.contains("\"team\":\"ops\""), "{text}");
}
