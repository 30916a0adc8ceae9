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

    /// The methods accepted at `path`, over every template matching it (a literal segment and a
    /// `{param}` can both match); `None` when no template does.
    pub fn methods_for(&self, path: &str) -> Option<Vec<String>> {
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        let mut found: Option<Vec<String>> = None;
        for (template, methods) in &self.0 {
            let matches = template.len() == segments.len()
                && template.iter().zip(&segments).all(|(t, s)| (t.starts_with('{') && !s.is_empty()) || t == s);
            if matches {
                let all = found.get_or_insert_with(Vec::new);
                all.extend(methods.iter().filter(|m| !all.contains(m)).cloned().collect::<Vec<_>>());
            }
        }
        found
    }
}

/// The default service.
pub async fn fallback(req: HttpRequest, routes: web::Data<RouteTable>) -> HttpResponse {
    let error = match routes.methods_for(req.path()) {
        Some(methods) if !methods.is_empty() => ApiError::method_not_allowed(&methods),
        _ => ApiError::new(ErrorCode::NotFound).detail(format!("No route matches {} {}.", req.method(), req.path())),
    };
    error.error_response()
}

#[cfg(test)]
mod tests {
    use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem, PathsBuilder};
    use utoipa::openapi::{InfoBuilder, OpenApiBuilder};

    use super::*;

    fn table(paths: &[(&str, &[HttpMethod])]) -> RouteTable {
        let builder = paths.iter().fold(PathsBuilder::new(), |b, (path, methods)| {
            methods.iter().fold(b, |b, m| b.path(*path, PathItem::new(m.clone(), OperationBuilder::new().build())))
        });
        let doc = OpenApiBuilder::new().info(InfoBuilder::new().title("t").version("1").build()).paths(builder).build();
        RouteTable::from_openapi(&doc)
    }

    #[test]
    fn literal_and_parameter_segments_match_whole_paths() {
        let routes = table(&[
            ("/api/v1/tas", &[HttpMethod::Post]),
            ("/api/v1/tas/{taId}", &[HttpMethod::Get]),
            ("/api/v1/auth/sessions/{id}", &[HttpMethod::Delete]),
        ]);
        assert_eq!(routes.methods_for("/api/v1/tas"), Some(vec!["POST".to_owned()]));
        assert_eq!(
            routes.methods_for("/api/v1/tas/"),
            Some(vec!["POST".to_owned()]),
            "a trailing slash is the same path"
        );
        assert_eq!(routes.methods_for("/api/v1/tas/123"), Some(vec!["GET".to_owned()]));
        assert_eq!(routes.methods_for("/api/v1/auth/sessions/x"), Some(vec!["DELETE".to_owned()]));
        assert_eq!(routes.methods_for("/api/v1/tas/123/courses"), None, "no template has that many segments");
        assert_eq!(routes.methods_for("/api/v1/courses"), None);
        assert_eq!(routes.methods_for("/api/v2/tas"), None);
    }

    #[test]
    fn a_path_matching_several_templates_allows_all_their_methods() {
        let routes = table(&[
            ("/api/v1/group-sessions/{id}", &[HttpMethod::Get, HttpMethod::Delete]),
            ("/api/v1/group-sessions/mine", &[HttpMethod::Get, HttpMethod::Post]),
        ]);
        let mut methods = routes.methods_for("/api/v1/group-sessions/mine").unwrap();
        methods.sort();
        assert_eq!(methods, vec!["DELETE", "GET", "POST"]);
        let mut other = routes.methods_for("/api/v1/group-sessions/42").unwrap();
        other.sort();
        assert_eq!(other, vec!["DELETE", "GET"]);
    }

    #[test]
    fn the_services_document_routes_every_registered_path() {
        let routes = RouteTable::from_openapi(&crate::openapi());
        assert_eq!(routes.methods_for("/api/v1/organizations"), Some(vec!["POST".to_owned()]));
        let mut organization = routes.methods_for("/api/v1/organization").unwrap();
        organization.sort();
        assert_eq!(organization, vec!["GET", "PATCH"]);
        assert_eq!(routes.methods_for("/health/ready"), Some(vec!["GET".to_owned()]));
    }
}
