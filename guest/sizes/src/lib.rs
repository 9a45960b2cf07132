//! The proof sizes the verifier accepts, their verifier configurations and
//! the largest proof each can have.
//!
//! Shared by the guest program (which verifies) and the host (which checks
//! input lengths and reports limits), so both read one table. The
//! configurations restate upstream's `verifier_config_for_log_size` (20..=30)
//! and `hardcoded_config_{12,16}_verifier`, which the guest cannot call
//! (upstream builds them only with `std`); the executor's tests assert
//! equality for every size.
#![no_std]

#[cfg(feature = "ligerito")]
extern crate alloc;

/// Queries per round: upstream's choice for 100-bit security at rate 1/4.
pub const NUM_QUERIES: usize = 148;

/// log2 of the Reed-Solomon inverse rate: every committed matrix has
/// `4 * message length` rows.
pub const LOG_INV_RATE: usize = 2;

/// One supported polynomial size, 2^`log_size` GF(2^32) coefficients.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SizeConfig {
    /// log2 of the number of polynomial coefficients.
    pub log_size: u32,
    /// Number of recursive Ligero rounds after the initial one.
    pub recursive_steps: usize,
    /// log2 of the initial matrix's message length (rows before encoding).
    pub initial_dim: usize,
    /// log2 of the initial matrix's row width.
    pub initial_k: usize,
    /// log2 of each recursive round's message length.
    pub log_dims: &'static [usize],
    /// log2 of each recursive round's row width (sumcheck rounds per step).
    pub ks: &'static [usize],
    /// Queries opened per round.
    pub num_queries: usize,
}

const fn size(
    log_size: u32,
    initial_dim: usize,
    initial_k: usize,
    log_dims: &'static [usize],
    ks: &'static [usize],
) -> SizeConfig {
    SizeConfig {
        log_size,
        recursive_steps: log_dims.len(),
        initial_dim,
        initial_k,
        log_dims,
        ks,
        num_queries: NUM_QUERIES,
    }
}

/// Every supported size, ascending.
pub const SIZES: [SizeConfig; 13] = [
    size(12, 8, 4, &[6], &[2]),
    size(16, 12, 4, &[8], &[4]),
    size(20, 14, 6, &[10], &[4]),
    size(21, 15, 6, &[11], &[4]),
    size(22, 16, 6, &[12, 8], &[4, 4]),
    size(23, 17, 6, &[13, 9], &[4, 4]),
    size(24, 18, 6, &[14, 10], &[4, 4]),
    size(25, 19, 6, &[15, 11], &[4, 4]),
    size(26, 20, 6, &[16, 12, 8], &[4, 4, 4]),
    size(27, 21, 6, &[17, 13, 9], &[4, 4, 4]),
    size(28, 22, 6, &[18, 14, 10], &[4, 4, 4]),
    size(29, 23, 6, &[19, 15, 11], &[4, 4, 4]),
    size(30, 23, 7, &[19, 15, 11], &[4, 4, 4]),
];

/// The configuration for 2^`log_size`, if that size is supported.
pub fn get(log_size: u32) -> Option<&'static SizeConfig> {
    SIZES.iter().find(|s| s.log_size == log_size)
}

/// The largest `max_proof_len` of any size.
pub const MAX_PROOF_LEN: usize = {
    let mut max = 0;
    let mut i = 0;
    while i < SIZES.len() {
        let len = SIZES[i].max_proof_len();
        if len > max {
            max = len;
        }
        i += 1;
    }
    max
};

/// Guest input: a little-endian `u32` size, then the proof.
pub const MAX_INPUT_LEN: usize = 4 + MAX_PROOF_LEN;

// The guest holds the input and the decoded proof at once in its 8 MiB heap.
const _: () = assert!(MAX_INPUT_LEN < 4 << 20);

const BASE_ELEM: usize = 4; // GF(2^32)
const EXT_ELEM: usize = 16; // GF(2^128)
const HASH: usize = 32;
const LEN_PREFIX: usize = 8; // bincode 1: u64 lengths
const ROOT: usize = 1 + HASH; // Option<[u8; 32]>
const SUMCHECK_ROUND: usize = 3 * EXT_ELEM;

const fn min(a: usize, b: usize) -> usize {
    if a < b {
        a
    } else {
        b
    }
}

impl SizeConfig {
    /// Upstream's form of this configuration, what its verifier takes.
    #[cfg(feature = "ligerito")]
    pub fn verifier_config(&self) -> ligerito::VerifierConfig {
        ligerito::VerifierConfig {
            recursive_steps: self.recursive_steps,
            initial_dim: self.initial_dim,
            log_dims: alloc::vec::Vec::from(self.log_dims),
            initial_k: self.initial_k,
            ks: alloc::vec::Vec::from(self.ks),
            num_queries: self.num_queries,
        }
    }

    /// The longest bincode encoding a valid proof of this size can have.
    ///
    /// Each round opens `q = min(num_queries, rows)` rows. A batched Merkle
    /// proof of depth `d` holds at most one sibling per parent node it
    /// touches: `sum_{j<d} min(q, 2^j)`. Everything else has a length fixed
    /// by the configuration. Upstream rejects a proof with any other shape,
    /// so a longer input is never valid.
    pub const fn max_proof_len(&self) -> usize {
        let last = self.recursive_steps - 1;
        let mut len = ROOT
            + self.round_len(self.initial_dim, self.initial_k, BASE_ELEM)
            + LEN_PREFIX
            + self.recursive_steps * ROOT
            + LEN_PREFIX;
        let mut i = 0;
        while i < last {
            len += self.round_len(self.log_dims[i], self.ks[i], EXT_ELEM);
            i += 1;
        }
        let mut sumcheck_rounds = 0;
        let mut i = 0;
        while i < self.recursive_steps {
            sumcheck_rounds += self.ks[i];
            i += 1;
        }
        len + LEN_PREFIX
            + (EXT_ELEM << self.log_dims[last])
            + self.round_len(self.log_dims[last], self.ks[last], EXT_ELEM)
            + LEN_PREFIX
            + sumcheck_rounds * SUMCHECK_ROUND
            + LEN_PREFIX // eval_rounds: always empty for a plain commitment proof
    }

    /// Opened rows and Merkle proof of one round.
    const fn round_len(&self, log_dim: usize, k: usize, elem: usize) -> usize {
        let depth = log_dim + LOG_INV_RATE;
        let queries = min(self.num_queries, 1 << depth);
        let mut siblings = 0;
        let mut j = 0;
        while j < depth {
            siblings += min(queries, 1 << j);
            j += 1;
        }
        LEN_PREFIX + queries * (LEN_PREFIX + (elem << k)) + LEN_PREFIX + siblings * HASH
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_ascending_and_consistent() {
        for pair in SIZES.windows(2) {
            assert!(pair[0].log_size < pair[1].log_size);
        }
        for s in &SIZES {
            assert_eq!(s.initial_dim + s.initial_k, s.log_size as usize);
            assert_eq!(s.ks.len(), s.recursive_steps);
            let mut prev = s.initial_dim;
            for (&dim, &k) in s.log_dims.iter().zip(s.ks) {
                assert_eq!(prev, dim + k);
                prev = dim;
            }
        }
    }

    #[test]
    fn unsupported_sizes_have_no_config() {
        for log_size in [0, 11, 13, 17, 19, 31, u32::MAX] {
            assert!(get(log_size).is_none());
        }
    }

    /// The table in docs/ARCHITECTURE.md; change both together.
    #[test]
    fn maximum_proof_lengths_are_the_documented_ones() {
        let documented = [
            (12, 48_362),
            (16, 108_362),
            (20, 168_010),
            (21, 193_866),
            (22, 231_611),
            (23, 249_915),
            (24, 272_315),
            (25, 302_907),
            (26, 345_388),
            (27, 368_428),
            (28, 395_564),
            (29, 430_892),
            (30, 468_780),
        ];
        assert_eq!(SIZES.len(), documented.len());
        for (size, expected) in SIZES.iter().zip(documented) {
            assert_eq!((size.log_size, size.max_proof_len()), expected);
        }
    }

    #[test]
    fn max_input_covers_every_size() {
        assert!(SIZES.iter().all(|s| s.max_proof_len() <= MAX_PROOF_LEN));
        assert!(SIZES.iter().any(|s| s.max_proof_len() == MAX_PROOF_LEN));
    }
}
