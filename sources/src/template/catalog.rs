//! The catalog of templates shipped in the repository (`templates/*.toml`, embedded at build
//! time so every node has the same list).

use super::{Template, TemplateError};

/// The embedded template files, in the order they are listed.
const BUILTIN: [(&str, &str); 7] = [
    (
        "github-repo-stars.toml",
        include_str!("../../../templates/github-repo-stars.toml"),
    ),
    (
        "github-code-frequency.toml",
        include_str!("../../../templates/github-code-frequency.toml"),
    ),
    (
        "github-commit-activity.toml",
        include_str!("../../../templates/github-commit-activity.toml"),
    ),
    (
        "youtube-video-stats.toml",
        include_str!("../../../templates/youtube-video-stats.toml"),
    ),
    (
        "posthog-events-total.toml",
        include_str!("../../../templates/posthog-events-total.toml"),
    ),
    (
        "sheet-column.toml",
        include_str!("../../../templates/sheet-column.toml"),
    ),
    (
        "http-json.toml",
        include_str!("../../../templates/http-json.toml"),
    ),
];

/// The templates shipped in the repository.
#[derive(Debug, Clone)]
pub struct Catalog {
    templates: Vec<Template>,
}

impl Catalog {
    /// Parses the embedded `templates/*.toml`; an error means a broken file in the repository.
    pub fn builtin() -> Result<Catalog, TemplateError> {
        Self::from_files(BUILTIN.iter().copied())
    }

    /// A catalog of the given `(file name, text)` pairs (tests, or templates from elsewhere).
    pub fn from_files<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Catalog, TemplateError> {
        let mut templates: Vec<Template> = Vec::new();
        for (file, text) in files {
            let template = Template::from_toml(file, text)?;
            if templates.iter().any(|t| t.id == template.id) {
                return Err(TemplateError::Duplicate(template.id));
            }
            templates.push(template);
        }
        Ok(Catalog { templates })
    }

    pub fn get(&self, id: &str) -> Option<&Template> {
        self.templates.iter().find(|t| t.id == id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Template> {
        self.templates.iter()
    }
}
