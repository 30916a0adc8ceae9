//! What answers a request no route took: 405 with `Allow` when the path exists with other
//! methods (known from the OpenAPI document, the one list of routes), else 404.

use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use domain::shared::ErrorCode;
use utoipa::openapi::OpenApi;

use crate::problem::ApiError;

/// Path templates of the API and the methods each accepts.
#[derive(Debug, Default)]
pub struct RouteTable(Vec<(Vec<String>, Vec<String>)>);

impl RouteTable {
    /// The table of a document.
    pub fn from_openapi(doc: &OpenApi) -> Self {
        let mut routes = Vec::new();
        for (path, item) in &doc.paths.paths {
            let methods: Vec<String> = [
                ("GET", item.get.is_some()),
                ("PUT", item.put.is_some()),
                ("POST", item.post.is_some()),
                ("DELETE", item.delete.is_some()),
                ("PATCH", item.patch.is_some()),
            ]
            .into_iter()
            .filter(|(_, has)| *has)
            .map(|(m, _)| m.to_owned())
            .collect();
            routes.push((path.split('/').map(str::to_owned).collect(), methods));
        }
        Self(routes)
    }

    /// The methods of the route matching `path`, if one does.
    pub fn methods_for(&self, path: &str) -> Option<&[String]> {
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        self.0
            .iter()
            .find(|(template, _)| {
                template.len() == segments.len()
                    && template.iter().zip(&segments).all(|(t, s)| (t.starts_with('{') && !s.is_empty()) || t == s)
            })
            .map(|(_, methods)| methods.as_slice())
    }
}

/// The default service.
pub async fn fallback(req: HttpRequest, routes: web::Data<RouteTable>) -> HttpResponse {
    let error = match routes.methods_for(req.path()) {
        Some(methods) if !methods.is_empty() => ApiError::method_not_allowed(methods),
        _ => ApiError::new(ErrorCode::NotFound).detail(format!("No route matches {} {}.", req.method(), req.path())),
    };
    error.error_response()
}
