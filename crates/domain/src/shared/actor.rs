//! Who is calling: the authenticated [`Actor`] (user, organization, role, session) and the
//! [`RequestContext`] of the call (request id, client IP, user agent) recorded by the audit trail.

use std::fmt;
use std::net::IpAddr;

use super::ids::{OrganizationId, SessionId, UserId};
use super::validation::InvalidValue;

/// The role of a user inside their organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Runs the academy: catalog, TAs, every booking of the organization.
    Admin,
    /// Teaches assigned courses; sees and manages their own sessions.
    Ta,
    /// Buys bundles, books sessions, joins group sessions.
    Student,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 3] = [Role::Admin, Role::Ta, Role::Student];

    /// `admin`, `ta` or `student`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Ta => "ta",
            Role::Student => "student",
        }
    }

    /// Parses `admin`, `ta` or `student`.
    ///
    /// # Errors
    /// For any other text.
    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        match s {
            "admin" => Ok(Role::Admin),
            "ta" => Ok(Role::Ta),
            "student" => Ok(Role::Student),
            _ => Err(InvalidValue::new("must be admin, ta or student")),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Metadata of the request that runs a use case, recorded with audit events.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestContext {
    /// The request id (`X-Request-Id`).
    pub request_id: String,
    /// The client IP, when known.
    pub ip: Option<IpAddr>,
    /// The client's user agent, when sent.
    pub user_agent: Option<String>,
}

/// An authenticated caller. Every use case that needs one is scoped to
/// `organization_id`: resources of other organizations do not exist for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The calling user.
    pub user_id: UserId,
    /// The user's organization: the tenant every read and write is scoped to.
    pub organization_id: OrganizationId,
    /// The user's role.
    pub role: Role,
    /// The authentication session the access token belongs to.
    pub session_id: SessionId,
    /// The request being served.
    pub context: RequestContext,
}

impl Actor {
    /// An actor with an empty request context.
    pub fn new(user_id: UserId, organization_id: OrganizationId, role: Role, session_id: SessionId) -> Self {
        Self { user_id, organization_id, role, session_id, context: RequestContext::default() }
    }

    /// The same actor serving `context`.
    #[must_use]
    pub fn with_context(mut self, context: RequestContext) -> Self {
        self.context = context;
        self
    }

    /// Whether the actor is an admin.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether the actor is the given user.
    pub fn is(&self, user: UserId) -> bool {
        self.user_id == user
    }
}
