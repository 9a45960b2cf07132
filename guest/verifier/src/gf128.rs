//! GF(2^128) multiplication for a 64-bit machine without carry-less multiply.
//!
//! Same field as `ligerito_binary_fields::BinaryElem128`: polynomial basis
//! modulo x^128 + x^7 + x^2 + x + 1. Products are built from 32x32-bit
//! carry-less products done with ordinary integer multiplies on operands
//! whose bits are spread four apart (BearSSL's "holes" trick): every column
//! of such a product sums at most eight bits, so no carry reaches the next
//! bit that is kept. Two Karatsuba levels make a 128x128 product out of nine
//! of them, about 600 instructions in the guest against upstream's
//! bit-serial fallback's several thousand.

const M0: u64 = 0x1111_1111_1111_1111;
const M1: u64 = M0 << 1;
const M2: u64 = M0 << 2;
const M3: u64 = M0 << 3;

/// Carry-less product of two 32-bit polynomials.
#[cfg(not(target_arch = "riscv64"))]
#[inline(always)]
pub(crate) fn clmul32(x: u32, y: u32) -> u64 {
    let (x, y) = (x as u64, y as u64);
    let (x0, x1, x2, x3) = (x & M0, x & M1, x & M2, x & M3);
    let (y0, y1, y2, y3) = (y & M0, y & M1, y & M2, y & M3);
    let z0 = x0.wrapping_mul(y0) ^ x1.wrapping_mul(y3) ^ x2.wrapping_mul(y2) ^ x3.wrapping_mul(y1);
    let z1 = x0.wrapping_mul(y1) ^ x1.wrapping_mul(y0) ^ x2.wrapping_mul(y3) ^ x3.wrapping_mul(y2);
    let z2 = x0.wrapping_mul(y2) ^ x1.wrapping_mul(y1) ^ x2.wrapping_mul(y0) ^ x3.wrapping_mul(y3);
    let z3 = x0.wrapping_mul(y3) ^ x1.wrapping_mul(y2) ^ x2.wrapping_mul(y1) ^ x3.wrapping_mul(y0);
    (z0 & M0) | (z1 & M1) | (z2 & M2) | (z3 & M3)
}

/// The same in the guest, by hand: compiled, its sixteen products are all
/// made before they are summed, and with PolkaVM's 13 registers that
/// spills (79 instructions a call against this one's 59, the linker's
/// translation included). Each class of output bits is summed before the
/// next one's products. `x` and `y` arrive zero-extended, so every mask
/// may be taken as a 64-bit value.
#[cfg(target_arch = "riscv64")]
#[inline(never)]
pub(crate) fn clmul32(x: u32, y: u32) -> u64 {
    let (mut x3, mut y3) = (u64::from(x), u64::from(y));
    let out: u64;
    // SAFETY: arithmetic on registers only; no memory, stack or flags.
    unsafe {
        core::arch::asm!(
            "li {t}, 0x11111111",
            "and {x0}, {x3}, {t}",
            "and {y0}, {y3}, {t}",
            "slli {t}, {t}, 1",
            "and {x1}, {x3}, {t}",
            "and {y1}, {y3}, {t}",
            "slli {t}, {t}, 1",
            "and {x2}, {x3}, {t}",
            "and {y2}, {y3}, {t}",
            "slli {t}, {t}, 1",
            "and {x3}, {x3}, {t}",
            "and {y3}, {y3}, {t}",
            // bits at 0 (mod 4)
            "mul {z}, {x0}, {y0}",
            "mul {t}, {x1}, {y3}",
            "xor {z}, {z}, {t}",
            "mul {t}, {x2}, {y2}",
            "xor {z}, {z}, {t}",
            "mul {t}, {x3}, {y1}",
            "xor {z}, {z}, {t}",
            "li {t}, 0x1111111111111111",
            "and {r}, {z}, {t}",
            // 1 (mod 4)
            "mul {z}, {x0}, {y1}",
            "mul {t}, {x1}, {y0}",
            "xor {z}, {z}, {t}",
            "mul {t}, {x2}, {y3}",
            "xor {z}, {z}, {t}",
            "mul {t}, {x3}, {y2}",
            "xor {z}, {z}, {t}",
            "li {t}, 0x2222222222222222",
            "and {z}, {z}, {t}",
            "or {r}, {r}, {z}",
            // 2 (mod 4)
            "mul {z}, {x0}, {y2}",
            "mul {t}, {x1}, {y1}",
            "xor {z}, {z}, {t}",
            "mul {t}, {x2}, {y0}",
            "xor {z}, {z}, {t}",
            "mul {t}, {x3}, {y3}",
            "xor {z}, {z}, {t}",
            "li {t}, 0x4444444444444444",
            "and {z}, {z}, {t}",
            "or {r}, {r}, {z}",
            // 3 (mod 4)
            "mul {z}, {x0}, {y3}",
            "mul {t}, {x1}, {y2}",
            "xor {z}, {z}, {t}",
            "mul {t}, {x2}, {y1}",
            "xor {z}, {z}, {t}",
            "mul {t}, {x3}, {y0}",
            "xor {z}, {z}, {t}",
            "li {t}, 0x8888888888888888",
            "and {z}, {z}, {t}",
            "or {r}, {r}, {z}",
            x0 = out(reg) _,
            x1 = out(reg) _,
            x2 = out(reg) _,
            x3 = inout(reg) x3,
            y0 = out(reg) _,
            y1 = out(reg) _,
            y2 = out(reg) _,
            y3 = inout(reg) y3,
            z = out(reg) _,
            t = out(reg) _,
            r = out(reg) out,
            options(pure, nomem, nostack),
        );
    }
    out
}

/// Carry-less product of two 64-bit polynomials (Karatsuba).
#[inline(always)]
fn clmul64(x: u64, y: u64) -> u128 {
    let (x0, x1) = (x as u32, (x >> 32) as u32);
    let (y0, y1) = (y as u32, (y >> 32) as u32);
    let lo = clmul32(x0, y0);
    let hi = clmul32(x1, y1);
    let mid = clmul32(x0 ^ x1, y0 ^ y1) ^ lo ^ hi;
    (lo as u128) ^ ((mid as u128) << 32) ^ ((hi as u128) << 64)
}

/// `a * b` in GF(2^128).
#[inline]
pub fn mul(a: u128, b: u128) -> u128 {
    let (a0, a1) = (a as u64, (a >> 64) as u64);
    let (b0, b1) = (b as u64, (b >> 64) as u64);
    let lo = clmul64(a0, b0);
    let hi = clmul64(a1, b1);
    let mid = clmul64(a0 ^ a1, b0 ^ b1) ^ lo ^ hi;
    reduce(hi ^ (mid >> 64), lo ^ (mid << 64))
}

/// `x`'s bits spread to the even positions: its carry-less square.
#[inline(always)]
pub(crate) fn spread(x: u32) -> u64 {
    let mut x = u64::from(x);
    x = (x | (x << 16)) & 0x0000_ffff_0000_ffff;
    x = (x | (x << 8)) & 0x00ff_00ff_00ff_00ff;
    x = (x | (x << 4)) & 0x0f0f_0f0f_0f0f_0f0f;
    x = (x | (x << 2)) & 0x3333_3333_3333_3333;
    (x | (x << 1)) & 0x5555_5555_5555_5555
}

/// `a * a` in GF(2^128): squaring is GF(2)-linear, so it only spreads bits.
pub fn square(a: u128) -> u128 {
    let words = [
        a as u32,
        (a >> 32) as u32,
        (a >> 64) as u32,
        (a >> 96) as u32,
    ]
    .map(spread);
    let lo = u128::from(words[0]) | (u128::from(words[1]) << 64);
    let hi = u128::from(words[2]) | (u128::from(words[3]) << 64);
    reduce(hi, lo)
}

/// `a * x`.
#[inline(always)]
fn mul_x(a: u128) -> u128 {
    (a << 1) ^ ((a >> 127) * 0x87)
}

/// Multiplication by one fixed element through tables of its products with
/// every nibble in every position: 32 lookups per product instead of nine
/// 32-bit carry-less products. Building it costs about as much as a dozen
/// products, so it pays off from a few dozen products by the same element.
pub struct MulTable {
    table: [[u128; 16]; 32],
}

impl MulTable {
    pub fn new(c: u128) -> Self {
        let mut table = [[0; 16]; 32];
        let mut e = c;
        for nibble in &mut table {
            // e = c * x^(4i): the entry for a lone bit 0 of nibble i
            let mut bits = [0; 4];
            for b in &mut bits {
                *b = e;
                e = mul_x(e);
            }
            for v in 1..16 {
                let top = 31 - (v as u32).leading_zeros() as usize;
                nibble[v] = nibble[v ^ (1 << top)] ^ bits[top];
            }
        }
        Self { table }
    }

    /// `c * x` for the `c` the table was built for.
    #[inline(always)]
    pub fn mul(&self, x: u128) -> u128 {
        let (lo, hi) = (x as u64, (x >> 64) as u64);
        let (low, high) = self.table.split_at(16);
        let mut acc = 0;
        for (i, nibble) in low.iter().enumerate() {
            acc ^= nibble[((lo >> (4 * i)) & 15) as usize];
        }
        for (i, nibble) in high.iter().enumerate() {
            acc ^= nibble[((hi >> (4 * i)) & 15) as usize];
        }
        acc
    }
}

/// How a kernel multiplies: [`Soft`] everywhere, [`Clmul`] on an x86-64
/// host that has carry-less multiply. Both give the same products.
pub trait Mul: Copy {
    /// Prepared products by one element.
    type By;
    fn mul(self, a: u128, b: u128) -> u128;
    /// Prepares `uses` products by `c`.
    fn by(self, c: u128, uses: usize) -> Self::By;
    fn mul_by(self, by: &Self::By, x: u128) -> u128;
    /// `out[i] = lo[i] + c·hi[i]` for the `c` of `by`.
    fn mul_add_into(self, by: &Self::By, lo: &[u128], hi: &[u128], out: &mut [u128]) {
        for ((o, &l), &h) in out.iter_mut().zip(lo).zip(hi) {
            *o = l ^ self.mul_by(by, h);
        }
    }
}

/// Integer multiplies only: the guest's arithmetic.
#[derive(Clone, Copy)]
pub struct Soft;

/// From how many products by one element a [`MulTable`] pays off (measured
/// in gas: the table costs about a dozen plain products to build).
const TABLE_FROM: usize = 32;

pub enum SoftBy {
    Plain(u128),
    Table(alloc::boxed::Box<MulTable>),
}

impl Mul for Soft {
    type By = SoftBy;

    #[inline(always)]
    fn mul(self, a: u128, b: u128) -> u128 {
        mul(a, b)
    }

    fn by(self, c: u128, uses: usize) -> SoftBy {
        if uses >= TABLE_FROM {
            SoftBy::Table(alloc::boxed::Box::new(MulTable::new(c)))
        } else {
            SoftBy::Plain(c)
        }
    }

    #[inline(always)]
    fn mul_by(self, by: &SoftBy, x: u128) -> u128 {
        match by {
            SoftBy::Plain(c) => mul(*c, x),
            SoftBy::Table(t) => t.mul(x),
        }
    }
}

/// PCLMULQDQ; a value exists only where the CPU has it.
#[cfg(all(any(feature = "std", test), target_arch = "x86_64"))]
#[derive(Clone, Copy)]
pub struct Clmul(());

#[cfg(all(any(feature = "std", test), target_arch = "x86_64"))]
impl Clmul {
    /// PCLMULQDQ if the CPU has it, unless `LIGERITO_SOFT_MULTIPLY` is set:
    /// then the software multiply, as on a machine without it (same
    /// results), so that its speed can be measured here.
    pub fn detect() -> Option<Self> {
        static SOFT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        let soft = *SOFT.get_or_init(|| std::env::var_os("LIGERITO_SOFT_MULTIPLY").is_some());
        (!soft && std::is_x86_feature_detected!("pclmulqdq")).then_some(Clmul(()))
    }
}

#[cfg(all(any(feature = "std", test), target_arch = "x86_64"))]
impl Mul for Clmul {
    type By = u128;

    #[inline(always)]
    fn mul(self, a: u128, b: u128) -> u128 {
        // SAFETY: `self` exists only where `detect` found pclmulqdq.
        unsafe { clmul(a, b) }
    }

    fn by(self, c: u128, _uses: usize) -> u128 {
        c
    }

    #[inline(always)]
    fn mul_by(self, c: &u128, x: u128) -> u128 {
        self.mul(*c, x)
    }

    fn mul_add_into(self, c: &u128, lo: &[u128], hi: &[u128], out: &mut [u128]) {
        // SAFETY: `self` exists only where `detect` found pclmulqdq.
        unsafe { clmul_add_into(*c, lo, hi, out) }
    }
}

/// [`Mul::mul_add_into`] compiled with the carry-less multiply, so that
/// each product is inlined rather than a call (half the time).
#[cfg(all(any(feature = "std", test), target_arch = "x86_64"))]
#[target_feature(enable = "pclmulqdq")]
unsafe fn clmul_add_into(c: u128, lo: &[u128], hi: &[u128], out: &mut [u128]) {
    for ((o, &l), &h) in out.iter_mut().zip(lo).zip(hi) {
        // SAFETY: this function runs only where pclmulqdq is.
        *o = l ^ unsafe { clmul(c, h) };
    }
}

#[cfg(all(any(feature = "std", test), target_arch = "x86_64"))]
#[target_feature(enable = "pclmulqdq")]
#[inline]
unsafe fn clmul(a: u128, b: u128) -> u128 {
    use core::arch::x86_64::{
        __m128i, _mm_clmulepi64_si128 as clmul, _mm_set_epi64x, _mm_slli_si128, _mm_srli_si128,
        _mm_xor_si128 as xor,
    };
    use core::mem::transmute;
    // SAFETY: u128 and __m128i are both 16 plain bytes.
    let (x, y) = unsafe { (transmute::<u128, __m128i>(a), transmute::<u128, __m128i>(b)) };
    let mid = xor(clmul(x, y, 0x01), clmul(x, y, 0x10));
    let lo = xor(clmul(x, y, 0x00), _mm_slli_si128(mid, 8));
    let hi = xor(clmul(x, y, 0x11), _mm_srli_si128(mid, 8));
    // x^128 = x^7 + x^2 + x + 1 (0x87): `hi`'s upper word times 0x87 lands
    // at x^64 and reaches 7 bits past x^128, which fold the same way once more
    let poly = _mm_set_epi64x(0, 0x87);
    let upper = clmul(hi, poly, 0x01);
    let folded = xor(
        xor(clmul(hi, poly, 0x00), _mm_slli_si128(upper, 8)),
        clmul(upper, poly, 0x01),
    );
    // SAFETY: as above.
    unsafe { transmute::<__m128i, u128>(xor(lo, folded)) }
}

/// `hi * x^128 + lo` modulo x^128 + x^7 + x^2 + x + 1.
#[inline(always)]
fn reduce(hi: u128, lo: u128) -> u128 {
    // x^128 = x^7 + x^2 + x + 1; the bits of `hi` that this shifts past
    // x^127 are folded back the same way once more.
    let folded = hi ^ (hi >> 127) ^ (hi >> 126) ^ (hi >> 121);
    lo ^ folded ^ (folded << 1) ^ (folded << 2) ^ (folded << 7)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ligerito_binary_fields::{BinaryElem128, BinaryFieldElement};

    fn upstream(a: u128, b: u128) -> u128 {
        BinaryElem128::from_value(a)
            .mul(&BinaryElem128::from_value(b))
            .poly()
            .value()
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn clmul_multiplies_like_mul() {
        let Some(c) = Clmul::detect() else { return };
        let mut rng = crate::testing::Rng(0x5851_f42d_4c95_7f2d);
        for _ in 0..20_000 {
            let (a, b) = (rng.u128(), rng.u128());
            assert_eq!(c.mul(a, b), mul(a, b), "{a:#x} * {b:#x}");
        }
    }

    #[test]
    fn squares_like_mul() {
        let mut rng = crate::testing::Rng(0x2545_f491_4f6c_dd1d);
        for a in [0, 1, u128::MAX, 1 << 127]
            .into_iter()
            .chain((0..5_000).map(|_| rng.u128()))
        {
            assert_eq!(square(a), mul(a, a), "{a:#x}^2");
        }
    }

    #[test]
    fn tables_multiply_like_mul() {
        for c in [
            0,
            1,
            0x87,
            u128::MAX,
            0x0123_4567_89ab_cdef_fedc_ba98_7654_3210,
        ] {
            let table = MulTable::new(c);
            for x in [0, 1, 2, 1 << 127, u128::MAX, 0xdead_beef << 70] {
                assert_eq!(table.mul(x), mul(c, x), "{c:#x} * {x:#x}");
            }
        }
    }

    #[test]
    fn matches_upstream_multiplication() {
        let mut rng = crate::testing::Rng(0x9e37_79b9_7f4a_7c15);
        let edge = [
            0,
            1,
            2,
            u128::MAX,
            1 << 127,
            (1 << 127) | 1,
            u64::MAX as u128,
        ];
        for &a in &edge {
            for &b in &edge {
                assert_eq!(mul(a, b), upstream(a, b), "{a:#x} * {b:#x}");
            }
        }
        for _ in 0..20_000 {
            let (a, b) = (rng.u128(), rng.u128());
            assert_eq!(mul(a, b), upstream(a, b), "{a:#x} * {b:#x}");
        }
    }
}
