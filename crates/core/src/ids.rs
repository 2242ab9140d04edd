//! Record ids (UUID v7) and pseudonymous case codes.

use rand::Rng;
use uuid::Uuid;

use crate::error::{Error, Result};

/// A new UUID v7 from the clock and the system's randomness.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// A UUID v7 for a given moment from a caller's random source (deterministic demo data).
pub fn id_at(unix_ms: i64, rng: &mut impl Rng) -> Uuid {
    let mut bytes = [0u8; 10];
    rng.fill(&mut bytes);
    uuid::Builder::from_unix_timestamp_millis(u64::try_from(unix_ms).unwrap_or(0), &bytes).into_uuid()
}

/// Parses a UUID v7, as every record id must be.
pub fn parse_id(field: &str, s: &str) -> Result<Uuid> {
    let id = Uuid::parse_str(s.trim()).map_err(|_| Error::validation(field, "not a valid id (UUID)"))?;
    if id.get_version_num() != 7 {
        return Err(Error::validation(field, "record ids must be UUID version 7"));
    }
    Ok(id)
}

/// Case codes use 30 characters without look-alikes (no 0/O, 1/I/L, U).
const ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A pseudonymous case code: seven random characters and a Luhn mod 30 check character,
/// written `XXXX-XXXX`. It carries no personal meaning and catches one mistyped character
/// and most swaps of neighbours.
pub fn new_case_code(rng: &mut impl Rng) -> String {
    let mut body = [0u8; 7];
    for b in &mut body {
        *b = ALPHABET[rng.random_range(0..ALPHABET.len())];
    }
    let check = luhn_check_char(&body);
    let mut s = String::with_capacity(9);
    for (i, &c) in body.iter().chain(std::iter::once(&check)).enumerate() {
        if i == 4 {
            s.push('-');
        }
        s.push(char::from(c));
    }
    s
}

fn value(c: u8) -> Option<usize> {
    ALPHABET.iter().position(|&a| a == c)
}

fn luhn_check_char(body: &[u8]) -> u8 {
    let n = ALPHABET.len();
    let mut sum = 0;
    let mut factor = 2;
    for &c in body.iter().rev() {
        let v = value(c).unwrap_or(0) * factor;
        sum += v / n + v % n;
        factor = if factor == 2 { 1 } else { 2 };
    }
    ALPHABET[(n - sum % n) % n]
}

/// Normalises what a worker typed (case, spaces, missing dash) to the stored form, or
/// to a prefix of it for search. Returns `None` when it cannot be (part of) a code.
pub fn normalize_case_code(typed: &str) -> Option<String> {
    let chars: Vec<u8> =
        typed.bytes().filter(|b| !matches!(b, b'-' | b' ' | b'\t')).map(|b| b.to_ascii_uppercase()).collect();
    if chars.len() > 8 || chars.iter().any(|&c| value(c).is_none()) {
        return None;
    }
    let mut s = String::with_capacity(9);
    for (i, &c) in chars.iter().enumerate() {
        if i == 4 {
            s.push('-');
        }
        s.push(char::from(c));
    }
    Some(s)
}

/// Whether a complete code has a valid check character.
pub fn is_valid_case_code(code: &str) -> bool {
    match normalize_case_code(code) {
        Some(n) if n.len() == 9 => {
            let b = n.replace('-', "").into_bytes();
            luhn_check_char(&b[..7]) == b[7]
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn codes_are_valid_and_catch_single_typos_and_swaps() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut swaps_caught = 0;
        let mut swaps = 0;
        for _ in 0..500 {
            let code = new_case_code(&mut rng);
            assert_eq!(code.len(), 9);
            assert!(is_valid_case_code(&code), "{code}");
            let raw: Vec<u8> = code.replace('-', "").into_bytes();
            for i in 0..8 {
                let mut typo = raw.clone();
                typo[i] = if typo[i] == b'2' { b'3' } else { b'2' };
                if typo != raw {
                    assert!(!is_valid_case_code(std::str::from_utf8(&typo).unwrap()));
                }
            }
            for i in 0..7 {
                if raw[i] != raw[i + 1] {
                    swaps += 1;
                    let mut s = raw.clone();
                    s.swap(i, i + 1);
                    if !is_valid_case_code(std::str::from_utf8(&s).unwrap()) {
                        swaps_caught += 1;
                    }
                }
            }
        }
        assert!(swaps_caught * 100 / swaps >= 95, "{swaps_caught}/{swaps}");
    }

    #[test]
    fn typed_codes_are_normalised() {
        assert_eq!(normalize_case_code("k7m4 qx9a").as_deref(), Some("K7M4-QX9A"));
        assert_eq!(normalize_case_code("k7m").as_deref(), Some("K7M"));
        assert_eq!(normalize_case_code("K7M4Q").as_deref(), Some("K7M4-Q"));
        assert_eq!(normalize_case_code("O0I1"), None);
        assert_eq!(normalize_case_code("K7M4QX9AB"), None);
    }

    #[test]
    fn ids_are_v7_and_deterministic_for_a_seed() {
        let mut a = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let mut b = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let x = id_at(1_700_000_000_000, &mut a);
        assert_eq!(x, id_at(1_700_000_000_000, &mut b));
        assert_eq!(x.get_version_num(), 7);
        assert!(parse_id("id", &x.to_string()).is_ok());
        assert!(parse_id("id", "67e55044-10b1-426f-9247-bb680e5fe0c8").is_err());
        assert!(parse_id("id", "nope").is_err());
    }
}
