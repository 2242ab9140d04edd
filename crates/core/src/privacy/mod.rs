//! Privacy checks applied in core, whatever the caller: free text may not hold
//! identifiers of a person.

pub mod identifiers;
mod warnings;

use crate::error::{Error, Result};

/// Refuses free text that contains a national register or BIS number, an IBAN, a phone
/// number or an e-mail address, saying what was found and where (never the value).
/// Dates of birth, street addresses and names are warnings only
/// ([`identifiers::find_warnings`]): they never make this refuse.
pub fn check_free_text(field: &str, text: &str) -> Result<()> {
    let found = identifiers::find_identifiers(text);
    if found.is_empty() {
        Ok(())
    } else {
        Err(Error::validation(
            field,
            format!(
                "contains an identifier of a person, which may not be stored: {}. Rewrite the text without it",
                identifiers::describe(&found)
            ),
        ))
    }
}
