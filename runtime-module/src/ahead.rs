//! A block's guest runs, made ahead of applying it on several threads. A
//! guest run's outcome depends only on what [`RunKey`] holds, so the
//! in-order application takes a run made ahead when its key matches and runs
//! the guest itself otherwise: correctness never rests on the prediction.

use crate::types::Call;
use crate::{decide, rules, storage, Runtime, UncheckedExtrinsic};
use ligerito_executor::{CodeHash, ExecutorError, Outcome};
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Everything a guest run's outcome depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct RunKey {
    code: CodeHash,
    log_size: u32,
    /// BLAKE2-256 of the proof.
    proof: [u8; 32],
    gas_limit: u64,
}

impl RunKey {
    fn new(code: CodeHash, log_size: u32, proof: &[u8], gas_limit: u64) -> Self {
        Self {
            code,
            log_size,
            proof: sp_crypto_hashing::blake2_256(proof),
            gas_limit,
        }
    }
}

/// The outcomes of the block's runs made ahead; empty outside a block.
pub(crate) type Ahead = HashMap<RunKey, Outcome>;

/// `decide::verify` reached the guest run, with this gas limit.
struct WouldRun(u64);

impl Runtime {
    /// Runs ahead, on up to `threads` threads, the guest of every `verify`
    /// in `extrinsics` that would run it on the state now, for
    /// [`Runtime::apply_extrinsic`] to take in this block. Call it after
    /// [`Runtime::initialize_block`]; one thread (or one extrinsic) runs
    /// nothing ahead. At most one run per extrinsic, each within its size's
    /// limits; an extrinsic that does not decode or validate runs nothing,
    /// nor does any past the block's length (a pool may hold many blocks).
    pub fn run_ahead(&mut self, extrinsics: &[Vec<u8>], threads: NonZeroUsize) {
        let mut length = 0;
        let fit = extrinsics
            .iter()
            .take_while(|xt| {
                length += xt.len() as u64;
                length <= rules::MAX_NORMAL_LENGTH
            })
            .count();
        let extrinsics = &extrinsics[..fit];
        let workers = threads.get().min(extrinsics.len());
        if workers < 2 {
            return;
        }
        let next = AtomicUsize::new(0);
        let this = &*self;
        let ahead = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    scope.spawn(|| {
                        let mut made = Vec::new();
                        loop {
                            let index = next.fetch_add(1, Ordering::Relaxed);
                            let Some(encoded) = extrinsics.get(index) else {
                                return made;
                            };
                            made.extend(this.run_one(encoded));
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|handle| {
                    handle
                        .join()
                        .unwrap_or_else(|p| std::panic::resume_unwind(p))
                })
                .collect()
        });
        self.ahead = ahead;
    }

    /// The guest run of one extrinsic, as dispatch would make it now.
    fn run_one(&self, encoded: &[u8]) -> Option<(RunKey, Outcome)> {
        let xt = UncheckedExtrinsic::decode_exact(encoded).ok()?;
        let Call::Verify { log_size, proof } = &xt.call else {
            return None;
        };
        // What the pool admits: nothing else is ever applied.
        self.validate(&xt, true).ok()?;
        // Dispatch's own checks before the run, on the state before the
        // block, give the gas limit the run would have.
        let decided = decide::verify(
            *log_size,
            proof,
            |size| storage::limits(&self.state, size),
            |commitment| storage::commitment(&self.state, commitment, &xt.signer).is_some(),
            |gas_limit| Err(WouldRun(gas_limit)),
        );
        let Err(WouldRun(gas_limit)) = decided else {
            return None;
        };
        // A host failure is left for the in-order run to meet and report.
        let outcome = self
            .executor
            .verify_with(&self.code, *log_size, proof, gas_limit, self.backend)
            .ok()?;
        let key = RunKey::new(self.code.hash(), *log_size, proof, gas_limit);
        Some((key, outcome))
    }

    /// Runs the guest in force on `proof` with `gas_limit`, or takes the
    /// same run made ahead.
    pub(crate) fn run_guest(
        &self,
        log_size: u32,
        proof: &[u8],
        gas_limit: u64,
    ) -> Result<Outcome, ExecutorError> {
        if !self.ahead.is_empty() {
            let key = RunKey::new(self.code.hash(), log_size, proof, gas_limit);
            if let Some(outcome) = self.ahead.get(&key) {
                return Ok(outcome.clone());
            }
        }
        self.executor
            .verify_with(&self.code, log_size, proof, gas_limit, self.backend)
    }
}

#[cfg(test)]
mod tests {
    use crate::mock::*;
    use crate::{dev_account, Call, Error, SizeLimits, UncheckedExtrinsic, MAX_CODE_LEN};
    use codec::Encode;
    use ligerito_executor::{sizes, Backend, Verdict};
    use sp_core::bounded::BoundedVec;
    use std::num::NonZeroUsize;

    const FOUR: NonZeroUsize = NonZeroUsize::new(4).unwrap();

    /// Marks every run made ahead, so that an outcome taken from them shows.
    fn mark_ahead(chain: &mut crate::Runtime) {
        for outcome in chain.ahead.values_mut() {
            outcome.verdict = Verdict::Invalid;
            outcome.gas_used = 7;
        }
    }

    #[test]
    fn a_run_made_ahead_is_taken_when_its_key_matches() {
        let mut chain = new_chain(Backend::Compiler);
        let xts = [
            signed(&chain, "bob", verify_call(12, proof(12, 1))),
            signed(&chain, "charlie", verify_call(12, proof(12, 2))),
        ];
        chain.run_ahead(&xts, FOUR);
        assert_eq!(chain.ahead.len(), 2);
        mark_ahead(&mut chain);
        for xt in &xts {
            let outcome = chain.apply_extrinsic(xt).unwrap();
            assert_eq!(
                (outcome.result, outcome.gas_used),
                (Err(Error::InvalidProof), 7)
            );
        }
        chain.finalize_block();
        assert!(chain.ahead.is_empty(), "kept for one block only");
    }

    #[test]
    fn limits_changed_earlier_in_the_block_make_the_run_miss() {
        let mut chain = new_chain(Backend::Compiler);
        let limits = SizeLimits {
            gas_limit: 1_000_000,
            max_proof_len: sizes::get(12).unwrap().max_proof_len() as u32,
        };
        let xts = [
            signed(
                &chain,
                "alice",
                Call::SetLimits {
                    log_size: 12,
                    limits,
                },
            ),
            signed(&chain, "bob", verify_call(12, proof(12, 3))),
        ];
        chain.run_ahead(&xts, FOUR);
        assert_eq!(chain.ahead.len(), 1, "under the limits before the block");
        mark_ahead(&mut chain);
        assert_eq!(chain.apply_extrinsic(&xts[0]).unwrap().result, Ok(()));
        let outcome = chain.apply_extrinsic(&xts[1]).unwrap();
        assert_eq!(
            (outcome.result, outcome.gas_used),
            (Err(Error::OutOfGas), 1_000_000)
        );
    }

    #[test]
    fn nothing_past_the_blocks_length_runs_ahead() {
        let mut chain = new_chain(Backend::Compiler);
        let genesis = chain.genesis_hash();
        let upgrade = |nonce| {
            let call = Call::SetVerifierCode {
                code: BoundedVec::truncate_from(vec![0; MAX_CODE_LEN as usize]),
            };
            UncheckedExtrinsic::sign(&dev_account("alice"), call, nonce, genesis).encode()
        };
        // Three upgrades of 1 MiB and a verify fit in 3.75 MiB; a fourth
        // upgrade does not, and the verify after it is not run ahead.
        let xts = [
            upgrade(0),
            upgrade(1),
            upgrade(2),
            signed(&chain, "bob", verify_call(12, proof(12, 5))),
            upgrade(3),
            signed(&chain, "charlie", verify_call(12, proof(12, 6))),
        ];
        chain.run_ahead(&xts, FOUR);
        assert_eq!(chain.ahead.len(), 1);
    }

    #[test]
    fn extrinsics_that_would_not_run_the_guest_run_nothing_ahead() {
        let mut chain = new_chain(Backend::Compiler);
        let valid = signed(&chain, "bob", verify_call(12, proof(12, 4)));
        let mut bad_signature = valid.clone();
        bad_signature[40] ^= 1;
        let oversized = sizes::get(12).unwrap().max_proof_len() + 1;
        let xts = [
            Vec::new(),
            vec![0xff; 100],
            valid[..valid.len() - 1].to_vec(),
            [valid.as_slice(), &[0]].concat(),
            bad_signature,
            signed(&chain, "dave", verify_call(13, proof(12, 4))),
            signed(&chain, "eve", verify_call(12, vec![1; oversized])),
        ];
        chain.run_ahead(&xts, FOUR);
        assert!(chain.ahead.is_empty());
    }
}
