//! [`tool_preset!`](crate::tool_preset): a set of `#[tool]` keys named once and reused.

/// Names a set of [`#[tool]`](macro@crate::tool) keys once, for `#[tool(preset = ...)]`.
///
/// Each preset becomes a macro of that name, in the module where `tool_preset!` is
/// invoked, with the visibility written before it; a tool names it by path:
///
/// ```
/// mod tools {
///     arcade_tdk::tool_preset! {
///         /// Reads of the PagerDuty REST API.
///         pub(crate) pagerduty_read = (
///             requires_auth = PagerDuty(scopes = ["read"]),
///             read_only, idempotent, open_world, destructive = false,
///             operations = [read], service_domains = [incident_management],
///         );
///     }
///
///     pub mod incidents {
///         use arcade_tdk::tool;
///
///         /// List incidents.
///         #[tool(preset = super::pagerduty_read, output = "Incidents")]
///         pub async fn list_incidents() -> Vec<String> {
///             Vec::new()
///         }
///     }
/// }
///
/// use arcade_tdk::{Catalog, Toolkit};
///
/// let toolkit = Toolkit::new("PagerDuty").tool(tools::incidents::list_incidents::tool());
/// let catalog = Catalog::new(toolkit).unwrap();
/// let definition = catalog.get("PagerDuty.ListIncidents").unwrap().definition();
/// let json = serde_json::to_value(definition).unwrap();
/// assert_eq!(json["requirements"]["authorization"]["provider_id"], "pagerduty");
/// assert_eq!(json["requirements"]["authorization"]["oauth2"]["scopes"][0], "read");
/// assert_eq!(json["output"]["description"], "Incidents");
/// ```
///
/// - `#[tool(preset = path, <keys>)]` is `#[tool(<the preset's keys>, <keys>)]`: the
///   tool's own keys add to the preset's. Setting a key the preset already sets is the
///   usual "specified more than once" error, at the tool's key: a preset is not
///   overridden, so what a tool inherits is exactly what the preset says. A tool whose
///   keys differ writes them out in full.
/// - Errors in a preset's keys are reported at the preset, in every tool that uses it.
/// - A preset is local to its crate: it may be private, `pub(crate)`, `pub(super)` or
///   `pub(in path)`, not `pub` (a `macro_rules!` macro leaves its crate only through
///   `#[macro_export]`). A preset cannot name another preset.
#[macro_export]
macro_rules! tool_preset {
    () => {};
    // One preset: `$` arrives as the token tree `$d`, so that the macro it writes can
    // have metavariables of its own. It hands the tool to `#[tool]` with the preset's
    // keys and the path of this crate (so a renamed dependency works too).
    (@define ($d:tt) $(#[$attr:meta])* $vis:vis $name:ident ($($keys:tt)*)) => {
        $(#[$attr])*
        ///
        /// A `#[tool]` preset (see `arcade_tdk::tool_preset!`): use it as
        #[doc = ::core::concat!("`#[tool(preset = ", ::core::stringify!($name), ", ...)]`.")]
        macro_rules! $name {
            ([$d($d extra:tt)*] $d($d item:tt)*) => {
                #[$crate::__private::tool(
                    __preset_crate($crate),
                    __preset_keys($($keys)*),
                    $d($d extra)*
                )]
                $d($d item)*
            };
        }
        #[allow(unused_imports)]
        $vis use $name;
    };
    ($(#[$attr:meta])* pub $name:ident = ( $($keys:tt)* ); $($rest:tt)*) => {
        ::core::compile_error!(::core::concat!(
            "a tool preset is local to its crate: write `pub(crate) ",
            ::core::stringify!($name),
            "` instead of `pub ",
            ::core::stringify!($name),
            "`"
        ));
        $crate::tool_preset! { $($rest)* }
    };
    ($(#[$attr:meta])* $vis:vis $name:ident = ( $($keys:tt)* ); $($rest:tt)*) => {
        $crate::tool_preset! { @define ($) $(#[$attr])* $vis $name ($($keys)*) }
        $crate::tool_preset! { $($rest)* }
    };
}
