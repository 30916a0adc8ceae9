//! What answers a request no route took: 405 with `Allow` when the path exists with other
//! methods (known from the OpenAPI document, the one list of routes), else 404.

use actix_web::guard::GuardContext;
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

    /// The methods accepted at `path`: those of the most specific template matching it, as
    /// OpenAPI resolves paths (a literal segment wins over a `{param}`, so
    /// `/bookings/individual` is not `/bookings/{id}`); `None` when no template does.
    pub fn methods_for(&self, path: &str) -> Option<Vec<String>> {
        let best = self.most_specific(path)?;
        let mut all: Vec<String> = Vec::new();
        for (template, methods) in &self.0 {
            if Self::matches(template, path) && Self::specificity(template) == best {
                all.extend(methods.iter().filter(|m| !all.contains(m)).cloned().collect::<Vec<_>>());
            }
        }
        Some(all)
    }

    /// Whether the template that owns `path` has a parameter segment: false for a path that a
    /// literal template owns although a `{param}` one matches it too (the guard of such routes).
    pub fn owned_by_a_template_with_params(&self, path: &str) -> bool {
        self.most_specific(path).is_none_or(|best| best.iter().any(|literal| !literal))
    }

    fn segments(path: &str) -> Vec<&str> {
        path.trim_end_matches('/').split('/').collect()
    }

    fn matches(template: &[String], path: &str) -> bool {
        let segments = Self::segments(path);
        template.len() == segments.len()
            && template.iter().zip(&segments).all(|(t, s)| (t.starts_with('{') && !s.is_empty()) || t == s)
    }

    /// Per segment, whether it is literal: compared left to right, `true` (literal) wins.
    fn specificity(template: &[String]) -> Vec<bool> {
        template.iter().map(|t| !t.starts_with('{')).collect()
    }

    fn most_specific(&self, path: &str) -> Option<Vec<bool>> {
        self.0.iter().filter(|(template, _)| Self::matches(template, path)).map(|(t, _)| Self::specificity(t)).max()
    }
}

/// Route guard of a `{param}` route that a literal route can shadow (`GET /bookings/{id}` and
/// `/bookings/individual`): the request is not for this route when a literal template owns its
/// path, so that it falls through to [`fallback`] (405 with the literal path's `Allow`) instead
/// of reading `individual` as an id.
pub fn not_a_literal_path(ctx: &GuardContext<'_>) -> bool {
    ctx.app_data::<web::Data<RouteTable>>().is_none_or(|t| t.owned_by_a_template_with_params(ctx.head().uri.path()))
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
    fn a_literal_template_owns_its_path_over_a_parameter_one() {
        let routes = table(&[
            ("/api/v1/group-sessions/{id}", &[HttpMethod::Get, HttpMethod::Delete]),
            ("/api/v1/group-sessions/mine", &[HttpMethod::Get, HttpMethod::Post]),
        ]);
        let mut methods = routes.methods_for("/api/v1/group-sessions/mine").unwrap();
        methods.sort();
        assert_eq!(methods, vec!["GET", "POST"], "OpenAPI matches concrete paths before templated ones");
        let mut other = routes.methods_for("/api/v1/group-sessions/42").unwrap();
        other.sort();
        assert_eq!(other, vec!["DELETE", "GET"]);
        assert!(!routes.owned_by_a_template_with_params("/api/v1/group-sessions/mine"));
        assert!(routes.owned_by_a_template_with_params("/api/v1/group-sessions/42"));
        assert!(routes.owned_by_a_template_with_params("/api/v1/unknown"));
    }

    #[test]
    fn the_services_document_routes_every_registered_path() {
        let routes = RouteTable::from_openapi(&crate::openapi());
        assert_eq!(routes.methods_for("/api/v1/organizations"), Some(vec!["POST".to_owned()]));
        let mut organization = routes.methods_for("/api/v1/organization").unwrap();
        organization.sort();
        assert_eq!(organization, vec!["GET", "PATCH"]);
        assert_eq!(routes.methods_for("/health/ready"), Some(vec!["GET".to_owned()]));
        assert_eq!(routes.methods_for("/api/v1/bookings/individual"), Some(vec!["POST".to_owned()]));
        assert!(!routes.owned_by_a_template_with_params("/api/v1/bookings/individual"));
    }
}
