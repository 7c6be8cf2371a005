//! The [`Tool`] trait that `#[tool]` implements, and [`ToolSpec`], a tool's static
//! description (names, descriptions, schemas, requirements), built once per process.
//!
//! ```
//! use arcade_tdk::{tool, Tool};
//!
//! /// Echo the input text.
//! #[tool]
//! fn echo(
//!     /// Text to echo back
//!     text: String,
//! ) -> String {
//!     text
//! }
//!
//! let spec = echo::tool().spec();
//! assert_eq!(spec.name(), "Echo");
//! assert_eq!(spec.input_schema()["required"], serde_json::json!(["text"]));
//! ```

use std::future::Future;
use std::pin::Pin;

use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::auth::ToolRequirements;
use crate::content::ToolContent;
use crate::context::ToolContext;
use crate::definition::{InputParameter, ToolOutput, ValueSchema};
use crate::error::ToolError;
use crate::metadata::ToolMetadata;
use crate::schema;
use crate::task_support::TaskSupport;

/// What a tool produced: a JSON value, or MCP content (text, images, audio, resources).
#[derive(Clone, Debug, PartialEq)]
pub enum ToolValue {
    /// A JSON value (`null` when the tool returns nothing).
    Json(Value),
    /// MCP content blocks.
    Content(ToolContent),
}

/// The future a tool's call returns.
pub type ToolFuture = Pin<Box<dyn Future<Output = Result<ToolValue, ToolError>> + Send + 'static>>;

/// A callable tool. `#[tool]` implements it; the catalog, executor and servers use it.
pub trait Tool: Send + Sync + 'static {
    /// The tool's static description.
    fn spec(&self) -> &ToolSpec;

    /// Decodes `args` (already validated against the input schema) and runs the tool.
    fn call(&self, context: ToolContext, args: Map<String, Value>) -> ToolFuture;
}

impl std::fmt::Debug for dyn Tool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Tool").field(&self.spec().name()).finish()
    }
}

/// A tool's static description, from which every wire format is derived.
#[derive(Clone, Debug)]
pub struct ToolSpec {
    name: String,
    declared_name: &'static str,
    fn_name: &'static str,
    description: String,
    parameters: Vec<InputParameter>,
    input_schema: Value,
    output: ToolOutput,
    output_schema: Option<Value>,
    requirements: ToolRequirements,
    metadata: Option<ToolMetadata>,
    deprecation_message: Option<String>,
    ui_resource: Option<&'static str>,
    task_support: TaskSupport,
    defers_task: bool,
}

impl ToolSpec {
    /// The tool's name, e.g. `ListIncidents`.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The name as declared: `#[tool(name = "...")]`, else the function's name
    /// (`list_incidents`), before Arcade's PascalCase.
    pub fn declared_name(&self) -> &'static str {
        self.declared_name
    }
    /// The Rust function's name.
    pub fn fn_name(&self) -> &'static str {
        self.fn_name
    }
    /// What the tool does.
    pub fn description(&self) -> &str {
        &self.description
    }
    /// Arcade's parameter list.
    pub fn parameters(&self) -> &[InputParameter] {
        &self.parameters
    }
    /// The portable JSON Schema of the arguments (MCP `inputSchema`).
    pub fn input_schema(&self) -> &Value {
        &self.input_schema
    }
    /// Arcade's output description.
    pub fn output(&self) -> &ToolOutput {
        &self.output
    }
    /// MCP's `outputSchema`: the object schema of an object result, else
    /// `{"type":"object","properties":{"result": ...}}`; none for tools without a value.
    pub fn output_schema(&self) -> Option<&Value> {
        self.output_schema.as_ref()
    }
    /// What the tool needs before it can run.
    pub fn requirements(&self) -> &ToolRequirements {
        &self.requirements
    }
    /// Classification and behaviour.
    pub fn metadata(&self) -> Option<&ToolMetadata> {
        self.metadata.as_ref()
    }
    /// Set when the tool is deprecated.
    pub fn deprecation_message(&self) -> Option<&str> {
        self.deprecation_message.as_deref()
    }
    /// The `ui://` resource of the tool's MCP App (`#[tool(ui = "ui://...")]`), which
    /// hosts that support MCP Apps render beside its result; see [`crate::app`].
    pub fn ui_resource(&self) -> Option<&'static str> {
        self.ui_resource
    }
    /// Whether the tool may run as an MCP task (`execution.taskSupport` in
    /// `tools/list`); [`TaskSupport::Forbidden`] unless declared.
    pub fn task_support(&self) -> TaskSupport {
        self.task_support
    }
    /// The spec with `task_support`: what `#[tool(task_support = "...")]` sets, for
    /// tools that implement [`Tool`] by hand.
    ///
    /// ```
    /// use arcade_tdk::{tool, TaskSupport, Tool};
    ///
    /// /// Echo the input text.
    /// #[tool]
    /// fn echo(
    ///     /// Text to echo back
    ///     text: String,
    /// ) -> String {
    ///     text
    /// }
    ///
    /// let spec = echo::tool().spec().clone().with_task_support(TaskSupport::Required);
    /// assert_eq!(spec.task_support(), TaskSupport::Required);
    /// ```
    pub fn with_task_support(mut self, task_support: TaskSupport) -> Self {
        self.task_support = task_support;
        self
    }
    /// Whether a call from a client with tasks starts synchronously and becomes a task
    /// only when the tool calls [`ToolContext::start_task`] (`#[tool(defer_task)]`),
    /// instead of being a task from the start.
    pub fn defers_task(&self) -> bool {
        self.defers_task
    }
    /// The spec with `defers_task`: what `#[tool(defer_task)]` sets, for tools that
    /// implement [`Tool`] by hand. It matters only where [`task_support`](Self::task_support)
    /// allows tasks.
    ///
    /// ```
    /// use arcade_tdk::{tool, TaskSupport, Tool};
    ///
    /// /// Echo the input text.
    /// #[tool]
    /// fn echo(
    ///     /// Text to echo back
    ///     text: String,
    /// ) -> String {
    ///     text
    /// }
    ///
    /// let spec = echo::tool().spec().clone()
    ///     .with_task_support(TaskSupport::Optional)
    ///     .with_deferred_task(true);
    /// assert!(spec.defers_task());
    /// ```
    pub fn with_deferred_task(mut self, defers_task: bool) -> Self {
        self.defers_task = defers_task;
        self
    }
    /// Whether the tool declares itself read-only.
    pub fn is_read_only(&self) -> bool {
        self.metadata
            .as_ref()
            .and_then(|m| m.behavior.as_ref())
            .and_then(|b| b.read_only)
            .unwrap_or(false)
    }
}

fn output_of(schema: Option<Value>, description: Option<&str>) -> (ToolOutput, Option<Value>) {
    let description = Some(description.unwrap_or("No description provided.").to_owned());
    let Some(mut schema) = schema else {
        return (
            ToolOutput {
                description,
                available_modes: vec!["value".into(), "error".into()],
                value_schema: Some(ValueSchema {
                    val_type: "json".into(),
                    ..ValueSchema::default()
                }),
            },
            None,
        );
    };
    if schema.get("type") == Some(&Value::String("null".into())) {
        return (
            ToolOutput {
                description,
                available_modes: vec!["null".into()],
                value_schema: None,
            },
            None,
        );
    }
    let nullable = schema::strip_null(&mut schema);
    let mut modes = vec!["value".to_owned(), "error".to_owned()];
    if nullable {
        modes.push("null".to_owned());
    }
    let value_schema = ValueSchema::from_json_schema(&schema, false);
    let is_object = schema.get("type") == Some(&Value::String("object".into()));
    let mcp = if is_object {
        schema
    } else {
        serde_json::json!({"type": "object", "properties": {"result": schema}})
    };
    (
        ToolOutput {
            description,
            available_modes: modes,
            value_schema: Some(value_schema),
        },
        Some(mcp),
    )
}

/// A type a tool can return: anything `Serialize + JsonSchema`, or [`ToolContent`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a `#[tool]` function",
    note = "a tool returns a type that implements `serde::Serialize` and `schemars::JsonSchema`, `()`, or `arcade_tdk::ToolContent`"
)]
pub trait ToolOutputType {
    /// The portable JSON Schema of the value; `None` for MCP content.
    fn json_schema() -> Option<Value>;
    /// Converts the value for the wire.
    fn into_tool_value(self) -> Result<ToolValue, ToolError>;
}

// One error ("`T` cannot be returned ...") rather than one per missing trait.
#[diagnostic::do_not_recommend]
impl<T: Serialize + JsonSchema> ToolOutputType for T {
    fn json_schema() -> Option<Value> {
        Some(schema::output_schema_for::<T>())
    }
    fn into_tool_value(self) -> Result<ToolValue, ToolError> {
        serde_json::to_value(self)
            .map(ToolValue::Json)
            .map_err(|e| {
                ToolError::bad_output("The tool's result could not be serialized to JSON.")
                    .with_developer_message(e.to_string())
            })
    }
}

impl ToolOutputType for ToolContent {
    fn json_schema() -> Option<Value> {
        None
    }
    fn into_tool_value(self) -> Result<ToolValue, ToolError> {
        Ok(ToolValue::Content(self))
    }
}

/// A `Result` a tool can return: `Result<T, E>` with `E: Into<ToolError>`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a result a `#[tool]` function can return",
    note = "return `Result<T, E>` where `E: Into<arcade_tdk::ToolError>` and `T: Serialize + JsonSchema`"
)]
pub trait ToolResult {
    /// The success type.
    type Ok: ToolOutputType;
    /// Converts into the runtime's result.
    fn into_tool_result(self) -> Result<Self::Ok, ToolError>;
}

impl<T: ToolOutputType, E: Into<ToolError>> ToolResult for Result<T, E> {
    type Ok = T;
    fn into_tool_result(self) -> Result<T, ToolError> {
        self.map_err(Into::into)
    }
}

/// A type a tool can take as a parameter.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a `#[tool]` parameter",
    note = "a parameter's type implements `serde::Deserialize` and `schemars::JsonSchema` (strings, numbers, bool, Vec, Option, maps, serde_json::Value, and your own types deriving both)"
)]
pub trait ToolParam: DeserializeOwned + JsonSchema {}
// One error ("`T` cannot be a `#[tool]` parameter") rather than one per missing trait.
#[diagnostic::do_not_recommend]
impl<T: DeserializeOwned + JsonSchema> ToolParam for T {}

/// What the code `#[tool]` generates calls, re-exported through `crate::__private`
/// only: not public API.
pub(crate) mod codegen {
    use schemars::JsonSchema;
    use serde::de::DeserializeOwned;
    use serde_json::{Map, Value};

    use super::{ToolFuture, ToolOutputType, ToolResult, ToolSpec, ToolValue, output_of};
    use crate::auth::{ToolAuthorization, ToolRequirements};
    use crate::context::ToolContext;
    use crate::definition::{InputParameter, ValueSchema};
    use crate::error::ToolError;
    use crate::metadata::ToolMetadata;
    use crate::schema;

    /// A parameter as the attribute declared it.
    #[derive(Clone, Copy, Debug)]
    pub struct ParamAttrs {
        /// The wire name.
        pub name: &'static str,
        /// The description.
        pub description: &'static str,
        /// Whether a model may infer it.
        pub inferrable: bool,
        /// `header = "..."`: the `x-mcp-header` name (`Mcp-Param-<name>`).
        pub header: Option<&'static str>,
    }

    /// Everything `#[tool]` knows at compile time.
    #[derive(Clone, Copy, Debug)]
    pub struct ToolAttrs {
        /// `name = "..."`, else the function's name.
        pub name: &'static str,
        /// The function's name.
        pub fn_name: &'static str,
        /// The description.
        pub description: &'static str,
        /// The input parameters, in order.
        pub params: &'static [ParamAttrs],
        /// `output = "..."`.
        pub output_description: Option<&'static str>,
        /// `requires_secrets = [...]`.
        pub secrets: &'static [&'static str],
        /// `requires_metadata = [...]`.
        pub metadata_keys: &'static [&'static str],
        /// `deprecated = "..."`.
        pub deprecated: Option<&'static str>,
        /// `ui = "ui://..."`.
        pub ui: Option<&'static str>,
    }

    /// What a tool's return type `R` contributes: its schema and its conversion for the
    /// wire. Built by [`returns`] or [`returns_result`], the one place where the return
    /// type's bound is checked, so that a wrong type is one error at the user's type
    /// and the rest of the generated code (which has no bound) does not cascade.
    pub struct Returns<R> {
        /// The portable JSON Schema of the value; `None` for MCP content.
        pub schema: fn() -> Option<Value>,
        /// Converts what the function returned.
        pub into_value: fn(R) -> Result<ToolValue, ToolError>,
    }

    /// The two functions of a tool, made generic over its parameters' types by the
    /// generated code and instantiated with them in one place.
    pub struct ToolFns {
        /// Builds the spec.
        pub spec: fn() -> ToolSpec,
        /// Decodes the arguments (against the spec) and runs the tool.
        pub call: fn(&ToolSpec, ToolContext, Map<String, Value>) -> ToolFuture,
    }

    /// `T` itself: in generated code generic over a parameter's type, `P: Is<T>` says
    /// that `P` is the parameter's type `T`.
    pub trait Is<T> {
        /// The value as a `T`.
        fn into_is(self) -> T;
    }

    impl<T> Is<T> for T {
        fn into_is(self) -> T {
            self
        }
    }

    /// [`Returns`] of a plain value.
    pub fn returns<R: ToolOutputType>() -> Returns<R> {
        Returns {
            schema: R::json_schema,
            into_value: R::into_tool_value,
        }
    }

    /// [`Returns`] of a `Result`.
    pub fn returns_result<R: ToolResult>() -> Returns<R> {
        fn into_value<R: ToolResult>(result: R) -> Result<ToolValue, ToolError> {
            result.into_tool_result()?.into_tool_value()
        }
        Returns {
            schema: <R::Ok as ToolOutputType>::json_schema,
            into_value: into_value::<R>,
        }
    }

    /// Builds the spec of a tool whose arguments are `A` and whose value has the schema
    /// `output_schema` returns.
    pub fn build_spec<A: JsonSchema>(
        attrs: &ToolAttrs,
        output_schema: fn() -> Option<Value>,
        authorization: Option<ToolAuthorization>,
        metadata: Option<ToolMetadata>,
    ) -> ToolSpec {
        let mut input_schema = schema::input_schema_for::<A>();
        let required: Vec<String> = schema::required_names(&input_schema)
            .into_iter()
            .map(str::to_owned)
            .collect();
        let mut parameters = Vec::with_capacity(attrs.params.len());
        if let Some(Value::Object(props)) = input_schema.get_mut("properties") {
            for p in attrs.params {
                let Some(prop) = props.get_mut(p.name) else {
                    continue;
                };
                // Arcade does not mark a top-level Option as nullable; null is accepted
                // as "absent" by the validator instead.
                schema::strip_null(prop);
                if let Some(obj) = prop.as_object_mut() {
                    obj.remove("description");
                    obj.insert(
                        "description".into(),
                        Value::String(p.description.to_owned()),
                    );
                    if let Some(header) = p.header {
                        obj.insert("x-mcp-header".into(), Value::String(header.to_owned()));
                    }
                }
                let mut value_schema = ValueSchema::from_json_schema(prop, false);
                value_schema.description = None;
                parameters.push(InputParameter {
                    name: p.name.to_owned(),
                    required: required.iter().any(|r| r == p.name),
                    description: Some(p.description.to_owned()),
                    value_schema,
                    inferrable: p.inferrable,
                });
            }
        }
        // `required` in declaration order, as Arcade emits it.
        let ordered: Vec<Value> = attrs
            .params
            .iter()
            .filter(|p| required.iter().any(|r| r == p.name))
            .map(|p| Value::String(p.name.to_owned()))
            .collect();
        if let Some(obj) = input_schema.as_object_mut() {
            obj.insert("required".into(), Value::Array(ordered));
        }

        let (output, output_schema) = output_of(output_schema(), attrs.output_description);
        ToolSpec {
            name: crate::names::snake_to_pascal_case(attrs.name),
            declared_name: attrs.name,
            fn_name: attrs.fn_name,
            description: attrs.description.to_owned(),
            parameters,
            input_schema,
            output,
            output_schema,
            requirements: ToolRequirements::new(authorization, attrs.secrets, attrs.metadata_keys),
            metadata,
            deprecation_message: attrs.deprecated.map(str::to_owned),
            ui_resource: attrs.ui,
            task_support: crate::task_support::TaskSupport::Forbidden,
            defers_task: false,
        }
    }

    /// Validates, coerces and decodes the arguments of a call.
    pub fn decode_args<A: DeserializeOwned>(
        spec: &ToolSpec,
        mut args: Map<String, Value>,
    ) -> Result<A, ToolError> {
        let errors = schema::validate_arguments(&spec.input_schema, &mut args);
        if !errors.is_empty() {
            return Err(schema::input_error(&errors));
        }
        serde_json::from_value(Value::Object(args)).map_err(|e| {
            ToolError::bad_input(
                "Invalid input: the arguments could not be decoded into the tool's parameter types",
            )
            .with_developer_message(format!(
                "decoding failed at line {} column {} ({:?})",
                e.line(),
                e.column(),
                e.classify()
            ))
        })
    }
}
