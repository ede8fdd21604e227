//! The administrators' API (`/api/v1/admin/...`): users with what they own and spent, role
//! and disabled-state changes, storage per table and the retention cleanup. Every handler
//! answers 403 to a caller who is not an administrator.

pub mod storage;
pub mod users;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(users::configure)
        .configure(storage::configure);
}
