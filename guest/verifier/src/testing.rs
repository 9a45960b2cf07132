//! Deterministic operands for the unit tests.

/// xorshift64: dense and sparse values alike, the same on every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn u128(&mut self) -> u128 {
        let mut half = || {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        };
        ((half() as u128) << 64) | half() as u128
    }
}
