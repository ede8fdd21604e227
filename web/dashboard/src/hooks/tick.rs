//! `use_tick`: a counter that grows every `period_ms`, to refresh "5 s ago" labels or refetch
//! data now and then.

use gloo_timers::callback::Interval;
use yew::prelude::*;

/// Re-renders the component every `period_ms` and returns how many periods have passed.
#[hook]
pub fn use_tick(period_ms: u32) -> u64 {
    let ticks = use_state(|| 0_u64);
    {
        let ticks = ticks.clone();
        use_effect_with(period_ms, move |period| {
            let counter = std::rc::Rc::new(std::cell::Cell::new(0_u64));
            let interval = Interval::new(*period, move || {
                counter.set(counter.get() + 1);
                ticks.set(counter.get());
            });
            move || drop(interval)
        });
    }
    *ticks
}
