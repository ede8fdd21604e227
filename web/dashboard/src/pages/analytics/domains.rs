//! The domain filter of the analytics page: a dropdown of the domains the page has seen in its
//! unfiltered answers (their `topDomains`), so choosing one costs no extra request; a domain
//! from the URL is always among the choices.

use protocol::analytics::Dashboard;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// The domains to offer: those of the latest unfiltered answer, remembered while a domain is
/// chosen (its answer lists only that domain), plus the current one.
#[hook]
pub fn use_known_domains(
    data: Option<std::rc::Rc<Dashboard>>,
    current: Option<String>,
) -> Vec<String> {
    let known = use_state(Vec::<String>::new);
    {
        let known = known.clone();
        use_effect_with(data, move |data| {
            if let Some(d) = data.as_ref().filter(|d| d.domain.is_none()) {
                known.set(d.top_domains.iter().map(|l| l.label.clone()).collect());
            }
        });
    }
    let mut out = (*known).clone();
    if let Some(c) = current {
        if !out.contains(&c) {
            out.insert(0, c);
        }
    }
    out
}

#[derive(Properties, PartialEq)]
pub struct DomainSelectProps {
    pub domains: Vec<String>,
    pub current: Option<String>,
    pub on_change: Callback<Option<String>>,
}

/// Any domain, or one.
#[component]
pub fn DomainSelect(props: &DomainSelectProps) -> Html {
    let onchange = {
        let cb = props.on_change.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            cb.emit(Some(value).filter(|v| !v.is_empty()));
        })
    };
    let current = props.current.clone().unwrap_or_default();
    html! {
        <label class="filter-group">{ "Domain " }
            <select {onchange} aria-label="Domain" data-testid="domain-filter">
                <option value="" selected={current.is_empty()}>{ "Any domain" }</option>
                { for props.domains.iter().map(|d| html! {
                    <option value={d.clone()} selected={*d == current}>{ d.clone() }</option>
                }) }
            </select>
        </label>
    }
}
