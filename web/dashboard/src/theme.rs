//! Light and dark mode: the theme is the `data-theme` attribute of `<html>`, which the CSS
//! variables follow. `index.html` sets it before the app starts (the stored choice, else the
//! system's `prefers-color-scheme`), so a dark page never flashes light; the toggle in the
//! navigation bar changes it and stores the choice. Pages read it through [`use_dark`] to draw
//! their charts to match.

use yew::prelude::*;

/// Where the user's choice is kept (index.html reads the same key).
pub const STORAGE_KEY: &str = "metrics-hub.theme";

/// A colour scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    /// `light` or `dark`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    /// The other one.
    pub fn toggled(self) -> Self {
        match self {
            Self::Light => Self::Dark,
            Self::Dark => Self::Light,
        }
    }

    /// Reads `light` / `dark`.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "light" => Some(Self::Light),
            "dark" => Some(Self::Dark),
            _ => None,
        }
    }
}

fn root() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.document_element()
}

/// The theme on the page now (what index.html or the last toggle set).
pub fn current() -> Theme {
    root()
        .and_then(|r| r.get_attribute("data-theme"))
        .and_then(|t| Theme::parse(&t))
        .unwrap_or(Theme::Light)
}

/// Shows `theme` and remembers it for the next visit.
pub fn apply(theme: Theme) {
    if let Some(root) = root() {
        let _ = root.set_attribute("data-theme", theme.key());
    }
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(STORAGE_KEY, theme.key());
    }
}

/// The theme the app shares with every page.
pub type ThemeContext = UseStateHandle<Theme>;

/// Whether the page is dark (light when no provider is mounted).
#[hook]
pub fn use_dark() -> bool {
    use_context::<ThemeContext>().is_some_and(|t| *t == Theme::Dark)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_toggle() {
        for t in [Theme::Light, Theme::Dark] {
            assert_eq!(Theme::parse(t.key()), Some(t));
            assert_eq!(t.toggled().toggled(), t);
        }
        assert_eq!(Theme::parse("sepia"), None);
    }
}
