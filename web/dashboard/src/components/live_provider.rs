//! The tab's one live feed, near the app root: it follows every assistant of the signed-in
//! user (the list is fetched again on each navigation, so a new assistant counts) and every
//! assistant a mounted page asks for (`hooks::use_live`), every source one shows
//! (`hooks::use_live_sources`), and gives them all the same
//! [`LiveState`] through a [`LiveContext`]. Pages and the toasts used to open a socket each;
//! now a tab holds one, and moving between pages neither reconnects nor loses state.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::hooks::{use_api, use_live_feed, use_session, LiveContext, Wanted};

#[derive(Properties, PartialEq)]
pub struct LiveProviderProps {
    pub children: Html,
}

/// Provides the [`LiveContext`] to its children.
#[component]
pub fn LiveProvider(props: &LiveProviderProps) -> Html {
    let session = use_session();
    let path = use_location().map(|l| l.path().to_owned());
    let owned = use_api((session, path), |(session, _)| async move {
        match session {
            Some(s) => s.api().assistants(s.user_id).await,
            None => Ok(Vec::new()),
        }
    });
    let wanted = use_reducer(Wanted::default);
    // Until the user's list is known, subscribing to the pages' assistants alone would mean
    // a second connection a moment later; a failed list still lets the pages' ones through.
    let known = owned.state.data.is_some() || owned.state.error.is_some();
    let list = owned.state.data.clone();
    let mut follow: BTreeSet<i64> = wanted.all().collect();
    if !known {
        follow.clear();
    }
    follow.extend(list.iter().flat_map(|l| l.iter().map(|a| a.id)));
    let mut sources: Vec<i64> = wanted.sources().collect();
    sources.sort_unstable();
    sources.dedup();
    let state = use_live_feed(follow.into_iter().collect(), sources);
    let names = use_memo(list, |list| {
        list.iter()
            .flat_map(|l| l.iter().map(|a| (a.id, a.name.clone())))
            .collect::<BTreeMap<i64, String>>()
    });
    let context = LiveContext {
        state,
        names: Rc::clone(&names),
        wanted: wanted.dispatcher(),
    };
    html! {
        <ContextProvider<LiveContext> {context}>
            { props.children.clone() }
        </ContextProvider<LiveContext>>
    }
}
