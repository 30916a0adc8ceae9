//! The read cache's invalidations, owned by the edge: every write route declares, in its own
//! `#[utoipa::path]`, the cache namespaces it dirties (`x-invalidates`, an explicit empty list
//! where none), and this middleware advances them for the caller's organization once the
//! request is over — after its transaction committed (a keyed request commits inside the
//! idempotency middleware, which runs within this one), so a read that follows never sees the
//! value from before the write, on any instance.
//!
//! What counts as "may have written": a 2xx, and a 5xx or a timeout (the outcome is unknown:
//! a write may have committed before the failure; invalidating too often only costs a cache
//! miss). A 4xx is a refusal before anything was written and invalidates nothing, so a client
//! sending refused writes cannot empty everyone's cache.
//!
//! The organization is the caller's (from its access token, whose signature was checked) or,
//! for a public route that dirties one (a TA confirming their email shows in the TA list), the
//! one its handler names with [`touched`].

use std::collections::HashMap;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage as _, HttpRequest, web};
use domain::shared::OrganizationId;
use edge::CacheNamespace;
use utoipa::openapi::OpenApi;
use utoipa::openapi::path::Operation;

use crate::extract::token_organization;
use crate::middleware::idempotency::IDEMPOTENT_REPLAYED;
use crate::state::HttpState;

/// The OpenAPI extension in which a write operation names the namespaces it dirties.
pub const EXTENSION: &str = "x-invalidates";

/// A read-cache namespace, as a route declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Namespace {
    /// The organization's catalog reads (courses, products, TAs, templates, availability).
    Catalog,
    /// The organization's slot searches.
    Schedule,
}

impl Namespace {
    /// The name used in declarations.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Catalog => "catalog",
            Self::Schedule => "schedule",
        }
    }

    /// The namespace of that name.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Catalog, Self::Schedule].into_iter().find(|n| n.name() == name)
    }

    fn of(self, organization: OrganizationId) -> CacheNamespace {
        match self {
            Self::Catalog => CacheNamespace::catalog(organization),
            Self::Schedule => CacheNamespace::schedule(organization),
        }
    }
}

/// What went wrong reading a declaration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeclarationError {
    /// A write operation without `x-invalidates`.
    #[error("{0} declares no `x-invalidates` (an empty list if it dirties no cached read)")]
    Missing(String),
    /// A declaration that is not a list of known namespace names.
    #[error("{0} declares `x-invalidates` other than a list of \"catalog\" / \"schedule\"")]
    Malformed(String),
}

/// Each write route's declared namespaces, by method and route pattern.
#[derive(Debug, Default)]
pub struct Invalidations(HashMap<(Method, String), Vec<Namespace>>);

impl Invalidations {
    /// The declarations of every write operation of the document.
    ///
    /// # Errors
    /// The first write operation without a well-formed declaration.
    pub fn from_openapi(doc: &OpenApi) -> Result<Self, DeclarationError> {
        let mut table = HashMap::new();
        for (path, item) in &doc.paths.paths {
            let writes = [
                (Method::POST, &item.post),
                (Method::PUT, &item.put),
                (Method::PATCH, &item.patch),
                (Method::DELETE, &item.delete),
            ];
            for (method, operation) in writes {
                let Some(operation) = operation else { continue };
                let namespaces = declared(operation, &format!("{method} {path}"))?;
                table.insert((method, path.clone()), namespaces);
            }
        }
        Ok(Self(table))
    }

    /// The namespaces a write to this route pattern dirties (none for an unknown route).
    pub fn of(&self, method: &Method, pattern: &str) -> &[Namespace] {
        self.0.get(&(method.clone(), pattern.to_owned())).map_or(&[], Vec::as_slice)
    }
}

fn declared(operation: &Operation, name: &str) -> Result<Vec<Namespace>, DeclarationError> {
    let value = operation
        .extensions
        .as_ref()
        .and_then(|extensions| extensions.get(EXTENSION))
        .ok_or_else(|| DeclarationError::Missing(name.to_owned()))?;
    let malformed = || DeclarationError::Malformed(name.to_owned());
    value
        .as_array()
        .ok_or_else(malformed)?
        .iter()
        .map(|item| item.as_str().and_then(Namespace::parse).ok_or_else(malformed))
        .collect()
}

/// The organization a public write dirtied, named by its handler (an authenticated one's is
/// the caller's).
#[derive(Debug, Clone, Copy)]
struct Touched(OrganizationId);

/// Names the organization whose cached reads this (public) request changed.
pub fn touched(req: &HttpRequest, organization: OrganizationId) {
    req.extensions_mut().insert(Touched(organization));
}

/// The middleware.
///
/// # Errors
/// Those of the inner service.
pub async fn invalidation(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(state) = req.app_data::<web::Data<HttpState>>().cloned() else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    let method = req.method().clone();
    let Some(table) = req.app_data::<web::Data<Invalidations>>().cloned() else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    let namespaces = req.match_pattern().map(|pattern| table.of(&method, &pattern).to_vec()).unwrap_or_default();
    if namespaces.is_empty() {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    }
    let caller = token_organization(req.request(), &state);
    let result = next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    let organization = match &result {
        Ok(response) => {
            let status = response.status();
            let replayed = response.headers().contains_key(&IDEMPOTENT_REPLAYED);
            let may_have_written = status.is_success() || status.is_server_error();
            let named = response.request().extensions().get::<Touched>().map(|t| t.0);
            if may_have_written && !replayed { named.or(caller) } else { None }
        }
        // A timeout, or a failure of the inner service: the outcome is unknown.
        Err(_) => caller,
    };
    if let Some(organization) = organization {
        for namespace in namespaces {
            let namespace = namespace.of(organization);
            if let Err(error) = state.edge.cache.invalidate(namespace).await {
                // The write is done; the cache adapter's journal and the entries' time-to-live
                // bound what a missed invalidation can serve (docs/redis.md).
                tracing::warn!(kind = namespace.kind, error = %error, "the read cache missed an invalidation");
            }
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_parse_by_name_only() {
        assert_eq!(Namespace::parse("catalog"), Some(Namespace::Catalog));
        assert_eq!(Namespace::parse("schedule"), Some(Namespace::Schedule));
        assert_eq!(Namespace::parse("Catalog"), None);
        assert_eq!(Namespace::parse(""), None);
    }

    #[test]
    fn every_write_route_of_the_api_declares_what_it_dirties() {
        let table = Invalidations::from_openapi(&crate::openapi());
        assert!(table.is_ok(), "{:?}", table.err());
    }
}
