//! `use_refresh_on`: a counter to put in a REST call's inputs so the call runs again when
//! something changed (a live delta arrived), at most once per `min_gap_ms` and never dropping
//! the last change: a change inside the gap is refetched when the gap ends. Live deltas carry
//! totals, not percentiles or breakdowns, so pages that show those refetch this way instead of
//! on every delta.

use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use yew::prelude::*;

/// Bumps its result after `changed` changes, throttled to one bump per `min_gap_ms`.
#[hook]
pub fn use_refresh_on<T>(changed: T, min_gap_ms: u32) -> u32
where
    T: PartialEq + Clone + 'static,
{
    let generation = use_state(|| 0_u32);
    let last = use_mut_ref(|| None::<f64>);
    // The timer of a refresh that is due; kept (not dropped from its own callback) until the
    // next one replaces it or the component goes away, which cancels it.
    let timer = use_mut_ref(|| None::<Timeout>);
    let due = use_mut_ref(|| Rc::new(Cell::new(false)));
    let first = use_mut_ref(|| true);
    {
        let generation = generation.clone();
        use_effect_with(changed, move |_| {
            // The first render is not a change: the page's own load covers it.
            if std::mem::replace(&mut *first.borrow_mut(), false) {
                return;
            }
            let due = due.borrow().clone();
            if due.get() {
                return; // A refresh is already due and will see this change too.
            }
            let now = js_sys::Date::now();
            let wait = last
                .borrow()
                .map_or(0.0, |at| (at + f64::from(min_gap_ms) - now).max(0.0));
            due.set(true);
            let fire = move || {
                due.set(false);
                *last.borrow_mut() = Some(js_sys::Date::now());
                generation.set(*generation + 1);
            };
            if wait <= 0.0 {
                fire();
            } else {
                *timer.borrow_mut() = Some(Timeout::new(wait as u32, fire));
            }
        });
    }
    *generation
}
