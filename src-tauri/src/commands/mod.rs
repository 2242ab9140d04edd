//! The IPC commands, one module per topic. Each maps 1:1 onto a core call and holds no
//! business rule; every one runs on a blocking thread (see `state::blocking`).

pub mod cases;
pub mod reference;
pub mod store;
pub mod today;
