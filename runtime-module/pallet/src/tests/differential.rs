//! The runtime module and the pallet, call for call. One seeded stream of
//! calls of every kind, valid and not, runs through `ligerito_runtime`'s
//! `Runtime` (signed extrinsics, alice the sudo key) and through the
//! pallet's mock runtime on each runner (root calls from root). Every call
//! must end alike (its result and error, the gas its guest run used, its
//! events), and so must every record, every size's limits and the code.

use crate::mock::mock_runtime;
use crate::*;
use codec::Encode;
use frame_support::dispatch::DispatchResultWithPostInfo;
use frame_support::traits::UnfilteredDispatchable;
use frame_system::pallet_prelude::BlockNumberFor;
use ligerito_executor::{sizes, REFERENCE_BLOB, VERIFIER_BLOB};
use ligerito_runtime::{dev_account, rules, Call as ModuleCall, Event as ModuleEvent};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sp_core::{Pair, H256};
use sp_runtime::DispatchError;
use std::cell::RefCell;
use std::marker::PhantomData;

/// The stream's accounts: the module's development accounts, and in the
/// pallet the account of each one's index plus one. Alice is the module's
/// sudo key: its root calls are hers, the pallet's come from root.
const ACCOUNTS: [&str; 4] = ["alice", "bob", "charlie", "dave"];

const SEED: u64 = 20;
const STEPS: usize = 40;
const LOG_SIZE: u32 = 12;

thread_local! {
    static LAST_RUN: RefCell<Option<Outcome>> = const { RefCell::new(None) };
}

/// `R`, keeping the outcome of its last guest run for the test to read:
/// the pallet reports a failed call's gas only in its weight.
pub struct Recorded<R>(PhantomData<R>);

impl<R: GuestRunner> GuestRunner for Recorded<R> {
    fn verify(
        code: &[u8],
        code_hash: H256,
        log_size: u32,
        proof: &[u8],
        gas_limit: u64,
    ) -> Outcome {
        let outcome = R::verify(code, code_hash, log_size, proof, gas_limit);
        LAST_RUN.with(|last| *last.borrow_mut() = Some(outcome.clone()));
        outcome
    }

    fn code_is_valid(code: &[u8]) -> bool {
        R::code_is_valid(code)
    }
}

mock_runtime!(via_host, super::Recorded<crate::ViaHost>);
mock_runtime!(in_runtime, super::Recorded<crate::InRuntime>);

/// One call, by the account at `who` in [`ACCOUNTS`] (root calls: alice).
#[derive(Clone, Debug)]
struct Step {
    who: usize,
    call: ModuleCall,
}

/// How one call ended, in the runtime module's terms.
#[derive(Debug, PartialEq)]
struct Ended {
    /// `Ok`, or the error's codec index and name.
    result: Result<(), (u8, String)>,
    /// Gas the guest used; 0 if it did not run.
    gas_used: u64,
    /// The call's events, the pallet's with the module's accounts.
    events: Vec<ModuleEvent>,
}

/// The accounts (by index) that recorded one commitment, with their records.
type RecordedBy = Vec<(usize, VerifiedCommitment<u64>)>;

/// A whole stream's run: each call, then the state it left.
#[derive(Debug, PartialEq)]
struct Run {
    ended: Vec<Ended>,
    /// Who recorded each commitment the stream's proofs claim.
    records: Vec<(H256, RecordedBy)>,
    /// Every supported size's limits.
    limits: Vec<(u32, SizeLimits)>,
    code_hash: H256,
}

/// The seeded stream of calls, written ahead: which calls fail depends on
/// the state, which both runtimes must keep alike.
struct Stream {
    rng: ChaCha8Rng,
    next_proof_seed: u64,
    /// Each fresh proof (before any tampering) and who signed it first.
    proofs: Vec<(usize, Vec<u8>)>,
    steps: Vec<Step>,
}

impl Stream {
    fn new(seed: u64) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
            next_proof_seed: 1_000 * seed,
            proofs: Vec::new(),
            steps: Vec::new(),
        }
    }

    fn push(&mut self, who: usize, call: ModuleCall) {
        self.steps.push(Step { who, call });
    }

    fn verify(&mut self, who: usize, log_size: u32, proof: Vec<u8>) {
        let proof = BoundedProof::try_from(proof).expect("within the largest maximum");
        self.push(who, ModuleCall::Verify { log_size, proof });
    }

    fn set_limits(&mut self, log_size: u32, gas_limit: u64, max_proof_len: u32) {
        let limits = SizeLimits {
            gas_limit,
            max_proof_len,
        };
        self.push(0, ModuleCall::SetLimits { log_size, limits });
    }

    fn set_code(&mut self, code: &[u8]) {
        let code = BoundedCode::try_from(code.to_vec()).expect("within the code bound");
        self.push(0, ModuleCall::SetVerifierCode { code });
    }

    fn fresh_proof(&mut self, who: usize) -> Vec<u8> {
        self.next_proof_seed += 1;
        let proof = crate::mock::proof(LOG_SIZE, self.next_proof_seed);
        self.proofs.push((who, proof.clone()));
        proof
    }

    fn random_bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.rng.gen()).collect()
    }

    /// Appends one step of `kind` (below [`KINDS`]), its details drawn.
    fn step(&mut self, kind: u32) {
        let size = sizes::get(LOG_SIZE).expect("a supported size");
        let default = rules::default_limits(size);
        let max_len = size.max_proof_len() as u32;
        let who = self.rng.gen_range(0..ACCOUNTS.len());
        match kind {
            0 | 1 => {
                let proof = self.fresh_proof(who);
                self.verify(who, LOG_SIZE, proof);
            }
            2 => {
                let mut proof = self.fresh_proof(who);
                let at = self.rng.gen_range(0..proof.len());
                proof[at] ^= 1 << self.rng.gen_range(0..8);
                self.verify(who, LOG_SIZE, proof);
            }
            3 => {
                let mut proof = self.fresh_proof(who);
                if self.rng.gen() {
                    proof.truncate(self.rng.gen_range(0..proof.len()));
                } else {
                    proof.push(self.rng.gen());
                }
                self.verify(who, LOG_SIZE, proof);
            }
            4 => {
                // Garbage, half of it claiming a commitment.
                let len = self.rng.gen_range(0..2_000);
                let mut bytes = self.random_bytes(len);
                if let (Some(first), true) = (bytes.first_mut(), self.rng.gen()) {
                    *first = 1;
                }
                self.verify(who, LOG_SIZE, bytes);
            }
            5 => {
                let log_size = [0, 11, 13, 17, 31, u32::MAX][self.rng.gen_range(0..6)];
                let proof = self.fresh_proof(who);
                self.verify(who, log_size, proof);
            }
            6 => {
                let len = self.rng.gen_range(max_len + 1..max_len + 1_000);
                let bytes = self.random_bytes(len as usize);
                self.verify(who, LOG_SIZE, bytes);
            }
            7 => {
                // Under a lowered maximum length, then the default back.
                self.set_limits(LOG_SIZE, default.gas_limit, 1_000);
                let proof = self.fresh_proof(who);
                self.verify(who, LOG_SIZE, proof);
                self.set_limits(LOG_SIZE, default.gas_limit, max_len);
            }
            8 => {
                // A proof again, by its first signer and by another.
                let (first, proof) = self.proofs[self.rng.gen_range(0..self.proofs.len())].clone();
                self.verify(first, LOG_SIZE, proof.clone());
                self.verify(who, LOG_SIZE, proof);
            }
            9 => {
                // Out of gas under a lowered limit, then the default back.
                let low = self.rng.gen_range(100_000..2_000_000);
                self.set_limits(LOG_SIZE, low, max_len);
                let proof = self.fresh_proof(who);
                self.verify(who, LOG_SIZE, proof);
                self.set_limits(LOG_SIZE, default.gas_limit, max_len);
            }
            10 => {
                let (gas, len) = [
                    (0, max_len),
                    (MAX_GAS_LIMIT + 1, max_len),
                    (1_000, 0),
                    (1_000, max_len + 1),
                ][self.rng.gen_range(0..4)];
                self.set_limits(LOG_SIZE, gas, len);
                self.set_limits(13, 1_000, 1_000);
            }
            11 => {
                let garbage = match self.rng.gen_range(0..3) {
                    0 => Vec::new(),
                    1 => REFERENCE_BLOB[..REFERENCE_BLOB.len() / 2].to_vec(),
                    _ => self.random_bytes(64),
                };
                self.set_code(&garbage);
            }
            _ => {
                // To upstream's verifier (it needs more gas), a proof, garbage
                // refused, and back.
                let high = ligerito_tests::REFERENCE_GAS_LIMIT;
                self.set_limits(LOG_SIZE, high, max_len);
                self.set_code(REFERENCE_BLOB);
                let proof = self.fresh_proof(who);
                self.verify(who, LOG_SIZE, proof);
                self.set_code(&[0; 64]);
                self.set_code(VERIFIER_BLOB);
                self.set_limits(LOG_SIZE, default.gas_limit, max_len);
            }
        }
    }
}

/// Kinds of step: valid proofs (two), tampered, cut or extended, garbage,
/// an unsupported size, longer than any 2^12 proof, under a lowered maximum
/// length, a proof again, out of gas, limits out of range or for an
/// unsupported size, invalid code, and a round on upstream's verifier.
const KINDS: u32 = 13;

/// Each kind once, so that the stream has every kind whatever the seed,
/// then [`STEPS`] of random kinds.
fn stream(seed: u64) -> Vec<Step> {
    let mut stream = Stream::new(seed);
    for kind in 0..KINDS {
        stream.step(kind);
    }
    for _ in 0..STEPS {
        let kind = stream.rng.gen_range(0..KINDS);
        stream.step(kind);
    }
    stream.steps
}

/// The commitments the stream's proofs claim, each once.
fn claimed(steps: &[Step]) -> Vec<H256> {
    let mut claimed: Vec<H256> = steps
        .iter()
        .filter_map(|step| match &step.call {
            ModuleCall::Verify { proof, .. } => rules::claimed_commitment(proof),
            _ => None,
        })
        .collect();
    claimed.sort();
    claimed.dedup();
    claimed
}

fn module_account(index: usize) -> ligerito_runtime::AccountId {
    dev_account(ACCOUNTS[index]).public()
}

fn pallet_account(index: usize) -> u64 {
    index as u64 + 1
}

/// The stream on the runtime module, each call in a block of its own.
fn on_module(steps: &[Step]) -> Run {
    use ligerito_runtime::{GenesisConfig, Runtime, RuntimeEvent, UncheckedExtrinsic};
    let (executor, backend) = crate::host::shared_executor();
    let mut runtime = Runtime::genesis(GenesisConfig::dev(), executor.clone(), *backend);
    let ended = steps
        .iter()
        .zip(1u64..)
        .map(|(step, block)| {
            runtime.initialize_block(block);
            let signer = dev_account(ACCOUNTS[step.who]);
            let nonce = runtime.nonce(&signer.public());
            let xt =
                UncheckedExtrinsic::sign(&signer, step.call.clone(), nonce, runtime.genesis_hash());
            let outcome = runtime.apply_extrinsic(&xt.encode()).expect("applied");
            let events = runtime
                .finalize_block()
                .events
                .into_iter()
                .filter_map(|record| match record.event {
                    RuntimeEvent::Ligerito(event) => Some(event),
                    RuntimeEvent::System(_) => None,
                })
                .collect();
            Ended {
                result: outcome
                    .result
                    .map_err(|e| (e.encode()[0], format!("{e:?}"))),
                gas_used: outcome.gas_used,
                events,
            }
        })
        .collect();
    let records = claimed(steps)
        .into_iter()
        .map(|commitment| {
            let by = (0..ACCOUNTS.len())
                .filter_map(|who| {
                    let record = runtime.verified(&commitment, &module_account(who))?;
                    Some((who, record))
                })
                .collect();
            (commitment, by)
        })
        .collect();
    Run {
        ended,
        records,
        limits: sizes::SIZES
            .iter()
            .map(|size| (size.log_size, runtime.limits(size.log_size).unwrap()))
            .collect(),
        code_hash: runtime.code_hash(),
    }
}

/// The pallet's call for the module's.
fn pallet_call<T: Config>(call: ModuleCall) -> Call<T> {
    match call {
        ModuleCall::Verify { log_size, proof } => Call::verify { log_size, proof },
        ModuleCall::SetVerifierCode { code } => Call::set_verifier_code { code },
        ModuleCall::SetLimits { log_size, limits } => Call::set_limits { log_size, limits },
    }
}

fn module_event<T: Config<AccountId = u64>>(event: Event<T>) -> ModuleEvent {
    match event {
        Event::ProofVerified {
            who,
            log_size,
            commitment,
            proof_hash,
            gas_used,
        } => ModuleEvent::ProofVerified {
            who: module_account(who as usize - 1),
            log_size,
            commitment,
            proof_hash,
            gas_used,
        },
        Event::VerifierCodeUpdated { code_hash } => ModuleEvent::VerifierCodeUpdated { code_hash },
        Event::LimitsUpdated { log_size, limits } => {
            ModuleEvent::LimitsUpdated { log_size, limits }
        }
        other => panic!("not an event of the stream: {other:?}"),
    }
}

/// The stream on a pallet mock runtime, each call at a block of its own.
fn on_pallet<T>(mut ext: sp_io::TestExternalities, steps: &[Step]) -> Run
where
    T: Config<AccountId = u64>,
    BlockNumberFor<T>: From<u32> + Into<u64>,
    <T as frame_system::Config>::RuntimeEvent: TryInto<Event<T>>,
{
    ext.execute_with(|| {
        let ended = steps
            .iter()
            .zip(1u32..)
            .map(|(step, block)| {
                frame_system::Pallet::<T>::set_block_number(block.into());
                frame_system::Pallet::<T>::reset_events();
                let origin = if step.call.is_root_only() {
                    frame_system::RawOrigin::Root
                } else {
                    frame_system::RawOrigin::Signed(pallet_account(step.who))
                };
                LAST_RUN.with(|last| last.take());
                let call = pallet_call::<T>(step.call.clone());
                let result: DispatchResultWithPostInfo = call.dispatch_bypass_filter(origin.into());
                let run = LAST_RUN.with(|last| last.take());
                let gas_used = run.map_or(0, |outcome| outcome.gas_used);
                if let ModuleCall::Verify { proof, .. } = &step.call {
                    // The weight after dispatch is the gas the decision reports.
                    let post = match &result {
                        Ok(post) => *post,
                        Err(error) => error.post_info,
                    };
                    let charged = Pallet::<T>::verify_weight(proof.len(), gas_used, result.is_ok());
                    assert_eq!(post.actual_weight, Some(charged));
                }
                let events = frame_system::Pallet::<T>::events()
                    .into_iter()
                    .filter_map(|record| record.event.try_into().ok())
                    .map(module_event::<T>)
                    .collect();
                Ended {
                    result: result.map(drop).map_err(|e| match e.error {
                        DispatchError::Module(error) => {
                            (error.error[0], error.message.expect("named").to_string())
                        }
                        other => panic!("not a pallet error: {other:?}"),
                    }),
                    gas_used,
                    events,
                }
            })
            .collect();
        let records = claimed(steps)
            .into_iter()
            .map(|commitment| {
                let mut by: Vec<_> = Pallet::<T>::verifiers(commitment)
                    .into_iter()
                    .map(|(who, record)| {
                        let record = VerifiedCommitment {
                            block: record.block.into(),
                            log_size: record.log_size,
                            proof_hash: record.proof_hash,
                        };
                        (who as usize - 1, record)
                    })
                    .collect();
                by.sort_by_key(|(who, _)| *who);
                (commitment, by)
            })
            .collect();
        Run {
            ended,
            records,
            limits: sizes::SIZES
                .iter()
                .map(|size| (size.log_size, Pallet::<T>::limits(size.log_size).unwrap()))
                .collect(),
            code_hash: CodeHash::<T>::get(),
        }
    })
}

#[test]
fn the_runtime_module_and_the_pallet_agree_call_for_call() {
    let steps = stream(SEED);
    let module = on_module(&steps);

    // The seed is fixed: it must keep covering every result and event.
    let mut errors: Vec<&str> = module
        .ended
        .iter()
        .filter_map(|ended| ended.result.as_ref().err().map(|(_, name)| name.as_str()))
        .collect();
    errors.sort();
    errors.dedup();
    assert_eq!(
        errors,
        [
            "AlreadyVerified",
            "InvalidCode",
            "InvalidLimits",
            "InvalidProof",
            "MalformedProof",
            "OutOfGas",
            "ProofTooLarge",
            "UnsupportedSize"
        ]
    );
    let kinds: std::collections::HashSet<_> = module
        .ended
        .iter()
        .flat_map(|ended| ended.events.iter().map(std::mem::discriminant))
        .collect();
    assert_eq!(kinds.len(), 3, "every kind of event");
    assert!(
        module.records.iter().any(|(_, by)| by.len() > 1),
        "a commitment recorded by two accounts"
    );

    for (runner, pallet) in [
        (
            "ViaHost",
            on_pallet::<via_host::Test>(via_host::new_test_ext(), &steps),
        ),
        (
            "InRuntime",
            on_pallet::<in_runtime::Test>(in_runtime::new_test_ext(), &steps),
        ),
    ] {
        for (index, (step, (a, b))) in steps
            .iter()
            .zip(module.ended.iter().zip(&pallet.ended))
            .enumerate()
        {
            let call = match &step.call {
                ModuleCall::Verify { log_size, proof } => {
                    format!("verify 2^{log_size}, {} bytes", proof.len())
                }
                other => format!("{other:?}").chars().take(80).collect(),
            };
            assert_eq!(
                a, b,
                "{runner}: call {index} by {}: {call}",
                ACCOUNTS[step.who]
            );
        }
        assert_eq!(module, pallet, "{runner}: the state after the stream");
    }
}
