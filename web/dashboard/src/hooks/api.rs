//! `use_api`: run an API call when its inputs change, and give the page its loading, error
//! and data states. Data stays on screen while a reload is under way (no flashing), an answer
//! that arrives after newer inputs is dropped, and a 401 logs the user out.

use std::future::Future;
use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::ApiError;
use crate::session::SessionContext;

/// The state of a call.
#[derive(Debug, PartialEq)]
pub struct Loadable<T> {
    /// The latest answer (kept while reloading).
    pub data: Option<Rc<T>>,
    /// The latest failure, cleared by the next success.
    pub error: Option<ApiError>,
    pub loading: bool,
}

impl<T> Clone for Loadable<T> {
    fn clone(&self) -> Self {
        Self {
            data: self.data.clone(),
            error: self.error.clone(),
            loading: self.loading,
        }
    }
}

/// What [`use_api`] returns.
#[derive(Debug, PartialEq)]
pub struct ApiHandle<T> {
    pub state: Loadable<T>,
    /// Runs the call again with the same inputs.
    pub reload: Callback<()>,
}

/// Runs `fetch(deps)` now and whenever `deps` changes (or `reload` is called).
#[hook]
pub fn use_api<T, D, F, Fut>(deps: D, fetch: F) -> ApiHandle<T>
where
    T: 'static,
    D: PartialEq + Clone + 'static,
    F: FnOnce(D) -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let state = use_state(|| Loadable {
        data: None,
        error: None,
        loading: true,
    });
    let generation = use_mut_ref(|| 0_u64);
    let reloads = use_state(|| 0_u32);
    let session = use_context::<SessionContext>();
    {
        let state = state.clone();
        let generation = generation.clone();
        use_effect_with((deps, *reloads), move |(deps, _)| {
            let mine = {
                let mut g = generation.borrow_mut();
                *g += 1;
                *g
            };
            let previous = state.data.clone();
            if !state.loading {
                state.set(Loadable {
                    data: previous.clone(),
                    error: None,
                    loading: true,
                });
            }
            let request = fetch(deps.clone());
            let generation_in_task = generation.clone();
            spawn_local(async move {
                let result = request.await;
                if *generation_in_task.borrow() != mine {
                    return; // newer inputs, or the component is gone
                }
                match result {
                    Ok(data) => state.set(Loadable {
                        data: Some(Rc::new(data)),
                        error: None,
                        loading: false,
                    }),
                    Err(error) => {
                        if error.is_unauthorized() {
                            if let Some(session) = &session {
                                session.log_out();
                            }
                        }
                        state.set(Loadable {
                            data: previous,
                            error: Some(error),
                            loading: false,
                        });
                    }
                }
            });
            move || {
                // Answers still on their way belong to a page that is gone.
                *generation.borrow_mut() += 1;
            }
        });
    }
    let reload = {
        let reloads = reloads.clone();
        Callback::from(move |()| reloads.set(reloads.wrapping_add(1)))
    };
    ApiHandle {
        state: (*state).clone(),
        reload,
    }
}
