//! The library's API without servers: definition presets, and the error kinds of
//! `reqwest` errors and `http::error_for_status`.

#[cfg(feature = "reqwest")]
mod http_errors;
mod tool_presets;
