//! Bodies of the TA endpoints.

use domain::accounts::InviteTa;
use domain::shared::{Email, PersonName, ValidationErrors, Validator};
use garde::Validate;
use serde::Deserialize;
use utoipa::ToSchema;

/// `POST /tas`: invite a TA by email.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct InviteTaRequest {
    /// The TA's email; the invitation link is sent there.
    #[garde(length(max = 254))]
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// The TA's name.
    #[garde(length(max = 512))]
    #[schema(pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$", max_length = 120)]
    pub name: String,
}

impl InviteTaRequest {
    /// The command, or every refused field.
    ///
    /// # Errors
    /// The refused fields.
    pub fn try_into_domain(&self) -> Result<InviteTa, ValidationErrors> {
        let mut v = Validator::default();
        let email = v.field("email", Email::parse(&self.email));
        let name = v.field("name", PersonName::parse(&self.name));
        match (email, name) {
            (Some(email), Some(name)) => Ok(InviteTa { email, name }),
            _ => Err(v.into_errors()),
        }
    }
}
