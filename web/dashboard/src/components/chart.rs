//! `<EChart>`: draws a [`ChartSpec`] with ECharts (vendored `echarts.min.js`, global
//! `echarts`). One ECharts instance per mounted chart: created on first render, given the new
//! option whenever the spec changes (so live updates animate instead of redrawing), resized
//! with the window, disposed on unmount. If ECharts failed to load, says so instead of
//! breaking the page. With `on_click`, a click anywhere in a category's column of the plot
//! reports that category's index (drill-down), not only a click on a bar or a point.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

use crate::charts::{self, ChartSpec};
use crate::metrics::chart::{self as metric_chart, MetricChart};

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

    /// The instance's renderer, whose events cover the whole canvas.
    #[derive(Clone, Debug)]
    type ZRender;

    #[wasm_bindgen(method, js_name = getZr)]
    fn get_zr(this: &ECharts) -> ZRender;

    #[wasm_bindgen(method)]
    fn on(this: &ZRender, event: &str, handler: &js_sys::Function);

    #[wasm_bindgen(catch, method, js_name = containPixel)]
    fn contain_pixel(this: &ECharts, finder: &str, point: &JsValue) -> Result<bool, JsValue>;

    #[wasm_bindgen(catch, method, js_name = convertFromPixel)]
    fn convert_from_pixel(
        this: &ECharts,
        finder: &JsValue,
        point: &JsValue,
    ) -> Result<JsValue, JsValue>;
}

/// The category index under a renderer click event, if it is inside the plot.
fn clicked_category(chart: &ECharts, event: &JsValue) -> Option<usize> {
    let coordinate = |name: &str| {
        js_sys::Reflect::get(event, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_f64())
    };
    let point = js_sys::Array::of2(
        &JsValue::from_f64(coordinate("offsetX")?),
        &JsValue::from_f64(coordinate("offsetY")?),
    );
    if !chart.contain_pixel("grid", &point).ok()? {
        return None;
    }
    // In the grid's coordinates: `[category index, value]`.
    let value = chart
        .convert_from_pixel(&JsValue::from_str("grid"), &point)
        .ok()?;
    let index = js_sys::Reflect::get(&value, &JsValue::from_f64(0.0))
        .ok()
        .and_then(|v| v.as_f64())?;
    (index >= 0.0).then(|| index.round() as usize)
}

fn echarts_loaded() -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("echarts")).ok())
        .is_some_and(|v| v.is_object())
}

fn option_value(spec: &ChartSpec, metric: Option<&MetricChart>) -> Result<JsValue, String> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    match metric {
        Some(metric) => metric_chart::build(metric).serialize(&serializer),
        None => charts::build(spec).serialize(&serializer),
    }
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
    /// Called with the index of the category clicked (a bucket of a time chart).
    #[prop_or_default]
    pub on_click: Option<Callback<usize>>,
    /// A Metrics widget's chart, drawn instead of `spec` (which then only gives the theme,
    /// the description and the point count); set without merging, so a widget whose chart type
    /// changed keeps none of the old series.
    #[prop_or_default]
    pub metric: Option<Rc<MetricChart>>,
}

/// The click handler of the chart's current props (kept up to date across renders) and the
/// JavaScript closure registered once with the renderer.
type ClickSlot = Rc<RefCell<Option<Callback<usize>>>>;
type ClickClosure = Rc<RefCell<Option<Closure<dyn FnMut(JsValue)>>>>;

/// Registers the renderer's click handler on `chart`, reporting to whatever `slot` holds.
fn listen_for_clicks(chart: &ECharts, slot: &ClickSlot, keep: &ClickClosure) {
    let (target, slot) = (chart.clone(), slot.clone());
    let closure = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let callback = slot.borrow().clone();
        if let (Some(callback), Some(index)) = (callback, clicked_category(&target, &event)) {
            callback.emit(index);
        }
    });
    chart.get_zr().on("click", closure.as_ref().unchecked_ref());
    *keep.borrow_mut() = Some(closure);
}

/// A chart drawn by ECharts.
#[component]
pub fn EChart(props: &EChartProps) -> Html {
    let node = use_node_ref();
    let instance: Rc<RefCell<Option<ECharts>>> = use_mut_ref(|| None);
    let failure = use_state(|| None::<String>);
    let click_slot: ClickSlot = use_mut_ref(|| None);
    let click_closure: ClickClosure = use_mut_ref(|| None);
    click_slot.borrow_mut().clone_from(&props.on_click);

    {
        let node = node.clone();
        let instance = instance.clone();
        let failure = failure.clone();
        let (click_slot, click_closure) = (click_slot.clone(), click_closure.clone());
        use_effect_with(
            (props.spec.clone(), props.metric.clone()),
            move |(spec, metric)| {
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
                        let chart = echarts_init(&element, theme).map_err(|e| format!("{e:?}"))?;
                        listen_for_clicks(&chart, &click_slot, &click_closure);
                        *slot = Some(chart);
                    }
                    if let Some(chart) = slot.as_ref() {
                        let option = option_value(spec, metric.as_deref())?;
                        chart
                            .set_option(&option, metric.is_some())
                            .map_err(|e| format!("{e:?}"))?;
                    }
                    Ok(())
                })();
                if let Err(message) = result {
                    failure.set(Some(message));
                } else if failure.is_some() {
                    failure.set(None);
                }
            },
        );
    }

    {
        let instance = instance.clone();
        let click_closure = click_closure.clone();
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
                drop(click_closure.borrow_mut().take());
            }
        });
    }

    html! {
        <div class="chart-wrap">
            <div id={props.id.clone()} ref={node} class={classes!("chart", props.on_click.is_some().then_some("chart-clickable"))} style={format!("height: {}", props.height)}
                 data-clickable={props.on_click.is_some().then_some("true")}
                 role="img" aria-label={props.spec.description.clone()}
                 data-points={props.spec.categories.len().to_string()}></div>
            if let Some(message) = (*failure).clone() {
                <p class="chart-error" role="alert">{ format!("Chart unavailable: {message}") }</p>
            }
        </div>
    }
}
