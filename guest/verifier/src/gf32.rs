//! GF(2^32), `ligerito_binary_fields::BinaryElem32`'s field (modulo
//! x^32 + x^15 + x^9 + x^7 + x^4 + x^3 + 1), from the carry-less products
//! of [`crate::gf128`]: upstream multiplies bit by bit.

use crate::gf128::{clmul32, spread};

/// `p` (below x^63) modulo the field's polynomial.
#[inline(always)]
fn reduce(p: u64) -> u32 {
    // times x^15 + x^9 + x^7 + x^4 + x^3 + 1, the modulus below x^32
    let times_tail = |h: u64| h ^ (h << 3) ^ (h << 4) ^ (h << 7) ^ (h << 9) ^ (h << 15);
    // x^32·h = TAIL·h: below x^46, so its own part from x^32 up (below
    // x^14) is folded once more, to below x^29
    let t = times_tail(p >> 32);
    (p ^ t ^ times_tail(t >> 32)) as u32
}

pub fn mul(a: u32, b: u32) -> u32 {
    reduce(clmul32(a, b))
}

pub fn square(a: u32) -> u32 {
    reduce(spread(a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ligerito_binary_fields::{BinaryElem32, BinaryFieldElement};

    fn upstream(a: u32, b: u32) -> u32 {
        BinaryElem32::from(a)
            .mul(&BinaryElem32::from(b))
            .poly()
            .value()
    }

    #[test]
    fn multiplies_and_squares_like_upstream() {
        let mut rng = crate::testing::Rng(0x9e37_79b9_7f4a_7c15);
        let edge = [0, 1, 2, u32::MAX, 1 << 31, 0x8000_0001];
        for &a in &edge {
            for &b in &edge {
                assert_eq!(mul(a, b), upstream(a, b), "{a:#x} * {b:#x}");
            }
        }
        for _ in 0..20_000 {
            let (a, b) = (rng.u128() as u32, rng.u128() as u32);
            assert_eq!(mul(a, b), upstream(a, b), "{a:#x} * {b:#x}");
            assert_eq!(square(a), upstream(a, a), "{a:#x}^2");
        }
    }
}
