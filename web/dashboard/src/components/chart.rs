//! `<EChart>`: draws a [`ChartSpec`] with ECharts (vendored `echarts.min.js`, global
//! `echarts`). One ECharts instance per mounted chart: created on first render, given the new
//! option whenever the spec changes (so live updates animate instead of redrawing), resized
//! with the window, disposed on unmount. If ECharts failed to load, says so instead of
//! breaking the page.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

use crate::charts::{self, ChartSpec};

#[wasm_bindgen]
extern "C" {
    /// An ECharts instance.
    #[derive(Clone, Debug)]
    type ECharts;

    #[wasm_bindgen(catch, js_namespace = echarts, js_name = init)]
    fn echarts_init(dom: &web_sys::HtmlElement, theme: &str) -> Result<ECharts, JsValue>;

    #[wasm_bindgen(catch, method, js_name = setOption)]
    fn set_option(this: &ECharts, option: &JsValue, not_merge: bool) -> Result<(), JsValue>;

    #[wasm_bindgen(method)]
    fn resize(this: &ECharts);

    #[wasm_bindgen(method)]
    fn dispose(this: &ECharts);
}

fn echarts_loaded() -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("echarts")).ok())
        .is_some_and(|v| v.is_object())
}

fn option_value(spec: &ChartSpec) -> Result<JsValue, String> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    charts::build(spec)
        .serialize(&serializer)
        .map_err(|e| e.to_string())
}

#[derive(Properties, PartialEq)]
pub struct EChartProps {
    /// DOM id (tests find charts by it).
    pub id: AttrValue,
    pub spec: Rc<ChartSpec>,
    /// CSS height of the chart.
    #[prop_or(AttrValue::Static("18rem"))]
    pub height: AttrValue,
}

/// A chart drawn by ECharts.
#[component]
pub fn EChart(props: &EChartProps) -> Html {
    let node = use_node_ref();
    let instance: Rc<RefCell<Option<ECharts>>> = use_mut_ref(|| None);
    let failure = use_state(|| None::<String>);

    {
        let node = node.clone();
        let instance = instance.clone();
        let failure = failure.clone();
        use_effect_with(props.spec.clone(), move |spec| {
            let result = (|| -> Result<(), String> {
                if !echarts_loaded() {
                    return Err("the charting library (echarts.min.js) did not load".to_owned());
                }
                let mut slot = instance.borrow_mut();
                if slot.is_none() {
                    let element = node
                        .cast::<web_sys::HtmlElement>()
                        .ok_or("the chart element is missing")?;
                    let theme = if spec.dark { "dark" } else { "" };
                    *slot = Some(echarts_init(&element, theme).map_err(|e| format!("{e:?}"))?);
                }
                if let Some(chart) = slot.as_ref() {
                    let option = option_value(spec)?;
                    chart
                        .set_option(&option, false)
                        .map_err(|e| format!("{e:?}"))?;
                }
                Ok(())
            })();
            if let Err(message) = result {
                failure.set(Some(message));
            } else if failure.is_some() {
                failure.set(None);
            }
        });
    }

    {
        let instance = instance.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|window| {
                let instance = instance.clone();
                EventListener::new(&window, "resize", move |_| {
                    if let Some(chart) = instance.borrow().as_ref() {
                        chart.resize();
                    }
                })
            });
            move || {
                drop(listener);
                if let Some(chart) = instance.borrow_mut().take() {
                    chart.dispose();
                }
            }
        });
    }

    let style = format!("height: {}", props.height);
    html! {
        <div class="chart-wrap">
            <div id={props.id.clone()} ref={node} class="chart" style={style}
                 role="img" aria-label={props.spec.description.clone()}
                 data-points={props.spec.categories.len().to_string()}></div>
            if let Some(message) = (*failure).clone() {
                <p class="chart-error" role="alert">{ format!("Chart unavailable: {message}") }</p>
            }
        </div>
    }
}
