//! MCP content a tool can return instead of a JSON value: text, images, audio and
//! embedded resources.
//!
//! ```
//! use arcade_tdk::{Content, ToolContent};
//!
//! let content = ToolContent::new()
//!     .with(Content::text("Here is the chart"))
//!     .with(Content::image("iVBORw0KGgo=", "image/png"));
//! assert_eq!(content.blocks().len(), 2);
//! ```

use serde::{Deserialize, Serialize};

/// One block of MCP content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Content {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// An image, base64-encoded.
    Image {
        /// Base64 data.
        data: String,
        /// E.g. `image/png`.
        #[serde(rename = "mimeType")]
        mime_type: String,
    },
    /// Audio, base64-encoded.
    Audio {
        /// Base64 data.
        data: String,
        /// E.g. `audio/wav`.
        #[serde(rename = "mimeType")]
        mime_type: String,
    },
    /// An embedded resource.
    Resource {
        /// The resource.
        resource: EmbeddedResource,
    },
}

/// An embedded resource: text or a base64 blob at a URI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbeddedResource {
    /// The resource's URI.
    pub uri: String,
    /// Its MIME type.
    #[serde(rename = "mimeType", skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Text content.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Base64 content.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blob: Option<String>,
}

impl Content {
    /// A text block.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text { text: text.into() }
    }
    /// An image block from base64 data.
    pub fn image(data: impl Into<String>, mime_type: impl Into<String>) -> Self {
        Self::Image {
            data: data.into(),
            mime_type: mime_type.into(),
        }
    }
    /// An audio block from base64 data.
    pub fn audio(data: impl Into<String>, mime_type: impl Into<String>) -> Self {
        Self::Audio {
            data: data.into(),
            mime_type: mime_type.into(),
        }
    }
    /// A text resource.
    pub fn text_resource(
        uri: impl Into<String>,
        mime_type: impl Into<String>,
        text: impl Into<String>,
    ) -> Self {
        Self::Resource {
            resource: EmbeddedResource {
                uri: uri.into(),
                mime_type: Some(mime_type.into()),
                text: Some(text.into()),
                blob: None,
            },
        }
    }
}

/// What a tool returns to send MCP content rather than JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ToolContent(Vec<Content>);

impl ToolContent {
    /// No content yet.
    pub fn new() -> Self {
        Self(Vec::new())
    }
    /// Adds a block.
    pub fn with(mut self, block: Content) -> Self {
        self.0.push(block);
        self
    }
    /// The blocks.
    pub fn blocks(&self) -> &[Content] {
        &self.0
    }
    /// The closest faithful JSON, for protocols without content (Arcade's worker):
    /// a lone text block becomes its string; anything else the list of blocks.
    pub fn to_json(&self) -> serde_json::Value {
        match self.0.as_slice() {
            [Content::Text { text }] => serde_json::Value::String(text.clone()),
            blocks => serde_json::to_value(blocks).unwrap_or_default(),
        }
    }
}

impl From<Vec<Content>> for ToolContent {
    fn from(blocks: Vec<Content>) -> Self {
        Self(blocks)
    }
}
