//! Business services and service dependencies (technical and business).

use serde_json::{Value, json};

use super::common::{Q, Reply, id_of, not_found, paginate};
use crate::sandbox::Db;

/// `GET /business_services`.
pub(super) fn list(db: &Db, q: &Q<'_>) -> Reply {
    paginate(
        db.business_services.iter().collect(),
        "business_services",
        q,
    )
}

/// `GET /business_services/{id}`.
pub(super) fn get(db: &Db, id: &str) -> Reply {
    match db.business_services.iter().find(|b| id_of(b) == id) {
        Some(b) => (200, json!({"business_service": b})),
        None => not_found(),
    }
}

fn relationship(dependent: (&str, &str), supporting: (&str, &str)) -> Value {
    json!({
        "id": format!("D{}{}", dependent.0, supporting.0),
        "type": "service_dependency",
        "dependent_service": {"id": dependent.0, "type": dependent.1},
        "supporting_service": {"id": supporting.0, "type": supporting.1},
    })
}

/// `GET /service_dependencies/technical_services/{id}`: every dependency the service
/// is part of, either side (business services depending on it included).
pub(super) fn technical(db: &Db, id: &str) -> Reply {
    if !db.services.iter().any(|s| id_of(s) == id) {
        return not_found();
    }
    let svc = "service";
    let mut relationships: Vec<Value> = db
        .dependencies
        .iter()
        .filter(|(d, s)| d == id || s == id)
        .map(|(d, s)| relationship((d, svc), (s, svc)))
        .collect();
    relationships.extend(
        db.business_dependencies
            .iter()
            .filter(|(_, s)| s == id)
            .map(|(b, s)| relationship((b, "business_service"), (s, svc))),
    );
    (200, json!({ "relationships": relationships }))
}

/// `GET /service_dependencies/business_services/{id}`.
pub(super) fn business(db: &Db, id: &str) -> Reply {
    if !db.business_services.iter().any(|b| id_of(b) == id) {
        return not_found();
    }
    let relationships: Vec<Value> = db
        .business_dependencies
        .iter()
        .filter(|(b, _)| b == id)
        .map(|(b, s)| relationship((b, "business_service"), (s, "service")))
        .collect();
    (200, json!({ "relationships": relationships }))
}
