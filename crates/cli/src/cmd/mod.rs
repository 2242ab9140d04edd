//! One module per group of subcommands.

pub mod audit;
pub mod backup;
pub mod cases;
pub mod exchange;
pub mod hub;
pub mod identity;
pub mod kpi;
pub mod reference;
pub mod retention;
pub mod stats;
pub mod store;
pub mod users;
pub mod work;

use std::path::Path;

use chrono::NaiveDate;
use schakel_core::Store;

use crate::exit::CliResult;

pub fn open(path: &Path) -> CliResult<Store> {
    let pass = crate::secret::passphrase()?;
    Ok(Store::open(path, &pass)?)
}

pub fn date_arg(field: &str, s: Option<&str>, default: NaiveDate) -> CliResult<NaiveDate> {
    match s {
        None => Ok(default),
        Some(s) => Ok(schakel_core::dates::parse_date(field, s)?),
    }
}

/// `--keep-because`: a reason from the closed list, or none.
pub fn keep_because(s: Option<&str>) -> CliResult<Option<schakel_core::privacy::WarningOverride>> {
    let Some(s) = s else { return Ok(None) };
    use schakel_core::privacy::WarningOverride;
    match WarningOverride::ALL.into_iter().find(|r| r.as_str() == s) {
        Some(r) => Ok(Some(r)),
        None => {
            let all: Vec<&str> = WarningOverride::ALL.iter().map(|r| r.as_str()).collect();
            Err(schakel_core::Error::validation("keep_because", format!("one of {}", all.join(", "))).into())
        }
    }
}

pub fn uuid_arg(field: &str, s: &str) -> CliResult<uuid::Uuid> {
    Ok(schakel_core::ids::parse_id(field, s)?)
}
