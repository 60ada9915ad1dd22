//! Wire names taken from the generated field metadata, for pointers in findings.

use workspaceapp_model::{
    ListAppConnectionErrorBody, ListAppConnectionPath, ListAppConnectionResponse,
    runtime::FieldInfo,
};

fn wire(fields: &'static [FieldInfo], rust_name: &'static str) -> &'static str {
    fields
        .iter()
        .find(|f| f.rust_name == rust_name)
        .map_or(rust_name, |f| f.name)
}

/// The path parameter of the URI template.
pub fn path_parameter() -> &'static str {
    ListAppConnectionPath::FIELDS
        .first()
        .map_or("project_id", |f| f.name)
}

/// Wire name of `ListAppConnectionResponse::count` (the total).
pub fn count_field() -> &'static str {
    wire(ListAppConnectionResponse::FIELDS, "count")
}

/// Wire name of `ListAppConnectionResponse::items` (the page).
pub fn items_field() -> &'static str {
    wire(ListAppConnectionResponse::FIELDS, "items")
}

/// Wire name of `ListAppConnectionErrorBody::error_code`.
pub fn error_code_field() -> &'static str {
    wire(ListAppConnectionErrorBody::FIELDS, "error_code")
}
