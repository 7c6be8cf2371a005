//! [`Resources`]: the resources of a catalog, looked up by URI.

use std::collections::BTreeMap;

use super::{
    Body, Resource, ResourceError, ResourceRequest, ResourceResult, ResourceTemplate,
    ResourceUpdates,
};
use crate::auth::ToolRequirements;
use crate::completion::Completions;
use crate::context::ToolContext;

/// The resources of a catalog: looked up by URI, templates tried in declaration order.
#[derive(Clone, Debug, Default)]
pub struct Resources {
    resources: Vec<Resource>,
    templates: Vec<ResourceTemplate>,
    updates: Vec<ResourceUpdates>,
}

impl Resources {
    /// No resources.
    pub(crate) const EMPTY: Self = Self {
        resources: Vec::new(),
        templates: Vec::new(),
        updates: Vec::new(),
    };

    pub(crate) fn add(
        &mut self,
        resources: &[Resource],
        templates: &[ResourceTemplate],
        updates: &ResourceUpdates,
    ) -> Result<(), String> {
        for resource in resources {
            if self.resources.iter().any(|r| r.uri == resource.uri) {
                return Err(format!("resource {} is declared twice", resource.uri));
            }
            self.resources.push(resource.clone());
        }
        for template in templates {
            template
                .check()
                .map_err(|e| format!("resource template {}: {e}", template.uri_template))?;
            if self
                .templates
                .iter()
                .any(|t| t.uri_template == template.uri_template)
            {
                return Err(format!(
                    "resource template {} is declared twice",
                    template.uri_template
                ));
            }
            self.templates.push(template.clone());
        }
        if !resources.is_empty() || !templates.is_empty() {
            self.updates.push(updates.clone());
        }
        Ok(())
    }

    /// The static resources, in declaration order.
    pub fn list(&self) -> &[Resource] {
        &self.resources
    }
    /// The templates, in declaration order.
    pub fn templates(&self) -> &[ResourceTemplate] {
        &self.templates
    }
    /// Whether there are neither resources nor templates.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty() && self.templates.is_empty()
    }
    /// Whether `uri` names a resource or matches a template.
    pub fn contains(&self, uri: &str) -> bool {
        self.resources.iter().any(|r| r.uri == uri)
            || self
                .templates
                .iter()
                .any(|t| t.parsed.as_ref().is_ok_and(|p| p.matches(uri).is_some()))
    }

    /// Reads `uri`: the static resource of that URI, else the first template it matches.
    /// A function answering no contents counts as not found. The function gets an empty
    /// context: no token, no secrets (the servers read with the caller's, through
    /// [`Pipeline::read_resource`](crate::serve::pipeline::Pipeline::read_resource)).
    pub async fn read(&self, uri: &str) -> ResourceResult {
        self.read_with(uri, ToolContext::default()).await
    }

    /// What reading `uri` needs; `None` when no resource has that URI.
    pub fn requirements_of(&self, uri: &str) -> Option<&ToolRequirements> {
        if let Some(resource) = self.resources.iter().find(|r| r.uri == uri) {
            return Some(&resource.requirements);
        }
        self.templates
            .iter()
            .find(|t| t.parsed.as_ref().is_ok_and(|p| p.matches(uri).is_some()))
            .map(|t| &t.requirements)
    }

    /// [`read`](Self::read) with `context` given to the function: the caller's, once
    /// its requirements were checked (the pipeline does that; this does not).
    pub async fn read_with(&self, uri: &str, context: ToolContext) -> ResourceResult {
        let (read, params) = if let Some(resource) = self.resources.iter().find(|r| r.uri == uri) {
            match &resource.body {
                Body::Fixed(contents) => return Ok(vec![contents.clone()]),
                Body::Read(read) => (read.clone(), BTreeMap::new()),
            }
        } else {
            let Some((template, params)) = self.templates.iter().find_map(|t| {
                let params = t.parsed.as_ref().ok()?.matches(uri)?;
                Some((t, params))
            }) else {
                return Err(ResourceError::not_found(uri));
            };
            (template.read.clone(), params)
        };
        let request = ResourceRequest {
            uri: uri.to_owned(),
            params,
            context,
        };
        let contents = read(request).await?;
        if contents.is_empty() {
            return Err(ResourceError::not_found(uri));
        }
        Ok(contents)
    }

    /// Suggestions for the parameter `param` of the template `uri_template`, given what
    /// was typed; none when the parameter has no completer.
    pub fn complete(
        &self,
        uri_template: &str,
        param: &str,
        typed: &str,
    ) -> Result<Completions, ResourceError> {
        let template = self
            .templates
            .iter()
            .find(|t| t.uri_template == uri_template)
            .ok_or_else(|| ResourceError::not_found(uri_template))?;
        Ok(template
            .completers
            .get(param)
            .map(|c| c.complete(typed))
            .unwrap_or_default())
    }

    /// The update handles of the toolkits that declared resources.
    #[cfg_attr(not(feature = "mcp"), allow(dead_code))]
    pub(crate) fn updates(&self) -> &[ResourceUpdates] {
        &self.updates
    }
}
