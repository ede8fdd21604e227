//! The sources API (issue #16, docs/sources.md): `templates`, `connections`, `sources` (with
//! their points, creation and refresh), `transformers`, `widgets` and their charts.
//! Every resource is the owner's: another user's is a 404, like a missing one.

pub mod connections;
pub mod instances;
pub mod polling;
pub mod templates;
pub mod transformers;
pub mod widgets;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(templates::list_templates);
    connections::configure(cfg);
    polling::configure(cfg);
    instances::configure(cfg);
    transformers::configure(cfg);
    widgets::configure(cfg);
}
