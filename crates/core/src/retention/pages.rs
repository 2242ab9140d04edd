//! Test support: every page of a SQLCipher 4 database file decrypted with its raw data
//! key, free pages and unused space included, so a test can look for text that a delete
//! should have overwritten. SQLite's own SQL only shows live rows.
//!
//! SQLCipher 4 with a raw 256-bit key: each 4096-byte page ends in 80 reserved bytes (a
//! 16-byte IV, then a 64-byte HMAC); the bytes before them are AES-256-CBC under the key
//! itself. Page 1 starts with the 16-byte salt, which is not encrypted. The AES inverse
//! cipher below is FIPS-197, checked against its own test vector; it is slow and only for
//! tests.

const PAGE: usize = 4096;
const RESERVE: usize = 80;

fn xtime(b: u8) -> u8 {
    (b << 1) ^ if b & 0x80 != 0 { 0x1b } else { 0 }
}

fn mul(mut a: u8, mut b: u8) -> u8 {
    let mut p = 0;
    while b != 0 {
        if b & 1 != 0 {
            p ^= a;
        }
        a = xtime(a);
        b >>= 1;
    }
    p
}

/// The S-box and its inverse, computed (multiplicative inverse in GF(2^8), then the affine map).
fn sboxes() -> ([u8; 256], [u8; 256]) {
    let mut s = [0u8; 256];
    let mut inv = [0u8; 256];
    for x in 0..=255u8 {
        let i = if x == 0 { 0 } else { (1..=255u8).find(|y| mul(x, *y) == 1).unwrap_or(0) };
        let v = i ^ i.rotate_left(1) ^ i.rotate_left(2) ^ i.rotate_left(3) ^ i.rotate_left(4) ^ 0x63;
        s[usize::from(x)] = v;
        inv[usize::from(v)] = x;
    }
    (s, inv)
}

pub struct Aes256Dec {
    round_keys: [[u8; 16]; 15],
    inv_s: [u8; 256],
}

impl Aes256Dec {
    pub fn new(key: &[u8; 32]) -> Self {
        let (s, inv_s) = sboxes();
        let mut w = [[0u8; 4]; 60];
        for (i, word) in w.iter_mut().take(8).enumerate() {
            word.copy_from_slice(&key[4 * i..4 * i + 4]);
        }
        let mut rcon = 1u8;
        for i in 8..60 {
            let mut t = w[i - 1];
            if i % 8 == 0 {
                t = [
                    s[usize::from(t[1])] ^ rcon,
                    s[usize::from(t[2])],
                    s[usize::from(t[3])],
                    s[usize::from(t[0])],
                ];
                rcon = xtime(rcon);
            } else if i % 8 == 4 {
                t = t.map(|b| s[usize::from(b)]);
            }
            for j in 0..4 {
                w[i][j] = w[i - 8][j] ^ t[j];
            }
        }
        let mut round_keys = [[0u8; 16]; 15];
        for (r, rk) in round_keys.iter_mut().enumerate() {
            for c in 0..4 {
                rk[4 * c..4 * c + 4].copy_from_slice(&w[4 * r + c]);
            }
        }
        Aes256Dec { round_keys, inv_s }
    }

    fn decrypt_block(&self, block: &mut [u8; 16]) {
        let add = |b: &mut [u8; 16], k: &[u8; 16]| b.iter_mut().zip(k).for_each(|(x, y)| *x ^= y);
        add(block, &self.round_keys[14]);
        for round in (0..14).rev() {
            // InvShiftRows: row r moves right by r (state is column-major).
            let old = *block;
            for c in 0..4 {
                for r in 0..4 {
                    block[4 * ((c + r) % 4) + r] = old[4 * c + r];
                }
            }
            block.iter_mut().for_each(|b| *b = self.inv_s[usize::from(*b)]);
            add(block, &self.round_keys[round]);
            if round > 0 {
                for c in 0..4 {
                    let a = [block[4 * c], block[4 * c + 1], block[4 * c + 2], block[4 * c + 3]];
                    for r in 0..4 {
                        block[4 * c + r] = mul(a[r], 14)
                            ^ mul(a[(r + 1) % 4], 11)
                            ^ mul(a[(r + 2) % 4], 13)
                            ^ mul(a[(r + 3) % 4], 9);
                    }
                }
            }
        }
    }

    fn decrypt_cbc(&self, iv: &[u8], data: &mut [u8]) {
        let mut prev = [0u8; 16];
        prev.copy_from_slice(iv);
        for chunk in data.chunks_exact_mut(16) {
            let mut block = [0u8; 16];
            block.copy_from_slice(chunk);
            let cipher = block;
            self.decrypt_block(&mut block);
            for (o, (b, p)) in chunk.iter_mut().zip(block.iter().zip(prev.iter())) {
                *o = b ^ p;
            }
            prev = cipher;
        }
    }
}

/// The plaintext of every page of `file` (a SQLCipher 4 database, 4096-byte pages, raw
/// key), page after page; page 1 without its salt.
pub fn decrypt_pages(file: &[u8], key: &[u8; 32]) -> Vec<u8> {
    let aes = Aes256Dec::new(key);
    let mut out = Vec::with_capacity(file.len());
    for (n, page) in file.chunks(PAGE).enumerate() {
        if page.len() < PAGE {
            break;
        }
        let start = if n == 0 { 16 } else { 0 };
        let mut data = page[start..PAGE - RESERVE].to_vec();
        aes.decrypt_cbc(&page[PAGE - RESERVE..PAGE - RESERVE + 16], &mut data);
        out.extend_from_slice(&data);
    }
    out
}

#[test]
fn aes_256_matches_the_fips_197_example() {
    let key: [u8; 32] = std::array::from_fn(|i| i as u8);
    let mut block: [u8; 16] =
        [0x8e, 0xa2, 0xb7, 0xca, 0x51, 0x67, 0x45, 0xbf, 0xea, 0xfc, 0x49, 0x90, 0x4b, 0x49, 0x60, 0x89];
    Aes256Dec::new(&key).decrypt_block(&mut block);
    let expected: [u8; 16] = std::array::from_fn(|i| (i as u8) * 0x11);
    assert_eq!(block, expected);
}
