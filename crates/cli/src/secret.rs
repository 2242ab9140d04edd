//! Passphrases: from the environment (scripts, tests) or a prompt without echo.

use std::io::IsTerminal;

use zeroize::Zeroizing;

use crate::exit::{CliError, CliResult};

pub const ENV_PASSPHRASE: &str = "SCHAKEL_PASSPHRASE";
pub const ENV_NEW_PASSPHRASE: &str = "SCHAKEL_NEW_PASSPHRASE";
pub const ENV_RECOVERY_KEY: &str = "SCHAKEL_RECOVERY_KEY";

fn from_env_or_prompt(var: &str, prompt: &str, confirm: bool) -> CliResult<Zeroizing<String>> {
    if let Ok(v) = std::env::var(var) {
        return Ok(Zeroizing::new(v));
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Input(format!("no passphrase: set {var} or run in a terminal")));
    }
    let first = Zeroizing::new(
        rpassword::prompt_password(prompt)
            .map_err(|e| CliError::Input(format!("cannot read passphrase: {e}")))?,
    );
    if confirm {
        let again = Zeroizing::new(
            rpassword::prompt_password("Repeat: ")
                .map_err(|e| CliError::Input(format!("cannot read passphrase: {e}")))?,
        );
        if *again != *first {
            return Err(CliError::Input("the passphrases differ".into()));
        }
    }
    Ok(first)
}

pub fn passphrase() -> CliResult<Zeroizing<String>> {
    from_env_or_prompt(ENV_PASSPHRASE, "Passphrase: ", false)
}

pub fn new_passphrase_for_init() -> CliResult<Zeroizing<String>> {
    from_env_or_prompt(ENV_PASSPHRASE, "New passphrase (several unrelated words): ", true)
}

pub fn changed_passphrase() -> CliResult<Zeroizing<String>> {
    from_env_or_prompt(ENV_NEW_PASSPHRASE, "New passphrase: ", true)
}

pub fn recovery_key() -> CliResult<Zeroizing<String>> {
    from_env_or_prompt(ENV_RECOVERY_KEY, "Recovery key: ", false)
}

/// The hub password of this partner's role (`SCHAKEL_HUB_PASSWORD` or a prompt).
pub fn hub_password() -> CliResult<Zeroizing<String>> {
    from_env_or_prompt(
        crate::cmd::exchange::ENV_HUB_PASSWORD,
        "The hub password of this partner's role: ",
        false,
    )
}
