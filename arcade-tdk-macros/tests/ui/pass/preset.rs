//! A preset defined in one module and used by path from others, with and without keys
//! of the tool's own, before or after `preset`, with trailing commas.

mod tools {
    arcade_tdk::tool_preset! {
        /// Reads of the PagerDuty REST API.
        pub(crate) pagerduty_read = (
            requires_auth = PagerDuty(scopes = ["read"]),
            read_only, idempotent, open_world, destructive = false,
            operations = [read], service_domains = [incident_management],
        );
        private_write = (destructive, operations = [create]);
    }

    pub mod incidents {
        use arcade_tdk::{ToolContext, ToolError, tool};

        /// List incidents.
        #[tool(preset = crate::tools::pagerduty_read, output = "Incidents")]
        pub async fn list_incidents(
            /// At most this many
            limit: Option<u32>,
            context: ToolContext,
        ) -> Result<Vec<String>, ToolError> {
            let _ = (limit, context);
            Ok(Vec::new())
        }

        /// Get one incident.
        #[tool(name = "GetIncident", preset = crate::tools::pagerduty_read,)]
        pub fn get_incident(
            /// Its id
            id: String,
        ) -> String {
            id
        }

        /// Create one incident.
        #[tool(preset = super::private_write)]
        pub fn create_incident() {}
    }
}

fn main() {
    let _ = tools::incidents::list_incidents::tool();
    let _ = tools::incidents::get_incident::tool();
    let _ = tools::incidents::create_incident::tool();
}
