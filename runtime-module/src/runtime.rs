//! The runtime a node drives: genesis, blocks, extrinsics, state.

use crate::state::{self, State};
use crate::types::*;
use crate::{dev_account, dispatch, rules, storage, UncheckedExtrinsic};
use codec::Encode;
use ligerito_executor::{Backend, Code, Executor, ExecutorError};
use sp_core::H256;
use std::sync::Arc;

/// What a chain starts with.
#[derive(Clone, Debug)]
pub struct GenesisConfig {
    /// The account allowed to make root calls.
    pub sudo: AccountId,
    /// The verifier guest; the committed blob unless a chain says otherwise.
    pub code: Vec<u8>,
}

impl GenesisConfig {
    /// A development chain: alice is sudo, the committed verifier blob.
    pub fn dev() -> Self {
        use sp_core::Pair;
        Self {
            sudo: dev_account("alice").public(),
            code: ligerito_executor::VERIFIER_BLOB.to_vec(),
        }
    }
}

/// How an included extrinsic ended.
#[derive(Clone, Debug, PartialEq, Eq, codec::Encode, codec::Decode, scale_info::TypeInfo)]
pub struct ApplyOutcome {
    /// `Ok` or the dispatch error.
    pub result: Result<(), Error>,
    /// Charged and actual weight.
    pub info: DispatchInfo,
    /// Gas the guest used (0 when it did not run).
    pub gas_used: u64,
}

/// Why an extrinsic could not be applied at all.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// Refused before running; nothing changed.
    #[error("invalid transaction: {0}")]
    Invalid(#[from] InvalidTransaction),
    /// The node cannot run the verifier (e.g. its backend is unavailable).
    /// Not a verdict: a node must not import a block past this.
    #[error(transparent)]
    Executor(#[from] ExecutorError),
}

/// A block's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockOutcome {
    pub number: BlockNumber,
    pub state_root: H256,
    pub events: Vec<EventRecord>,
    /// The block's storage writes, for a node to persist with the block.
    pub changes: state::Changes,
}

/// The ordered Patricia-trie root of a block's extrinsics, as Substrate
/// computes a header's `extrinsics_root`.
pub fn extrinsics_root(extrinsics: &[Vec<u8>]) -> H256 {
    use sp_trie::TrieConfiguration;
    sp_trie::LayoutV1::<sp_core::Blake2Hasher>::ordered_trie_root(extrinsics)
}

/// The runtime: state, the shared executor and the block being built.
pub struct Runtime {
    pub(crate) state: State,
    pub(crate) executor: Arc<Executor>,
    pub(crate) backend: Backend,
    genesis_hash: H256,
    pub(crate) code: Code,
    pub(crate) events: Vec<EventRecord>,
    extrinsic_index: u32,
    /// The weight the block's extrinsics used (after refunds) and their
    /// encoded bytes, against [`rules::MAX_NORMAL_WEIGHT`] and
    /// [`rules::MAX_NORMAL_LENGTH`].
    pub(crate) block_weight: Weight,
    block_length: u64,
    /// The block's guest runs made ahead ([`Runtime::run_ahead`]).
    pub(crate) ahead: crate::ahead::Ahead,
}

impl Runtime {
    /// Builds the genesis state. The genesis hash commits to its state root.
    pub fn genesis(config: GenesisConfig, executor: Arc<Executor>, backend: Backend) -> Self {
        let mut state = State::default();
        storage::set_sudo_key(&mut state, &config.sudo);
        let code = Code::new(config.code);
        storage::set_code(&mut state, code.bytes(), H256(code.hash().0));
        let root = state.root();
        let genesis_hash = H256(sp_crypto_hashing::blake2_256(
            &(b"ligerito-genesis", root).encode(),
        ));
        Self {
            state,
            executor,
            backend,
            genesis_hash,
            code,
            events: Vec::new(),
            extrinsic_index: 0,
            block_weight: 0,
            block_length: 0,
            ahead: Default::default(),
        }
    }

    pub fn genesis_hash(&self) -> H256 {
        self.genesis_hash
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Compiles the code in force on the runtime's backend and readies an
    /// instance of it, so that a node's first block does not pay for either
    /// (about 100 ms on the compiler) and a backend that cannot run shows at
    /// start.
    pub fn prepare(&self) -> Result<(), ExecutorError> {
        self.executor.prepare(&self.code, self.backend)
    }

    /// Starts block `number`.
    pub fn initialize_block(&mut self, number: BlockNumber) {
        storage::set_block_number(&mut self.state, number);
        self.events.clear();
        self.extrinsic_index = 0;
        self.block_weight = 0;
        self.block_length = 0;
    }

    /// Checks what a transaction pool checks: encoding, signature, nonce
    /// (`allow_future` lets a pool queue nonces ahead), origin, and that the
    /// call's worst-case weight fits in an empty block.
    pub fn validate(
        &self,
        xt: &UncheckedExtrinsic,
        allow_future: bool,
    ) -> Result<(), InvalidTransaction> {
        if !xt.signature_is_valid(self.genesis_hash) {
            return Err(InvalidTransaction::BadSignature);
        }
        self.revalidate(xt, allow_future)
    }

    /// [`Runtime::validate`] but the signature, for an extrinsic whose
    /// signature was checked on this chain before: that depends only on the
    /// extrinsic and the genesis hash, the rest on the state. A
    /// pool re-checks what it holds after every block, and a signature costs
    /// a hash of the whole signed payload (a proof's length).
    pub fn revalidate(
        &self,
        xt: &UncheckedExtrinsic,
        allow_future: bool,
    ) -> Result<(), InvalidTransaction> {
        self.check_nonce_and_origin(xt, allow_future)?;
        // An extrinsic is at most `MAX_EXTRINSIC_LEN`, which fits: only
        // its weight can exceed an empty block's.
        if dispatch::worst_case_weight(self, &xt.call) > rules::MAX_NORMAL_WEIGHT {
            return Err(InvalidTransaction::ExhaustsResources);
        }
        Ok(())
    }

    fn check_nonce_and_origin(
        &self,
        xt: &UncheckedExtrinsic,
        allow_future: bool,
    ) -> Result<(), InvalidTransaction> {
        let expected = storage::nonce(&self.state, &xt.signer);
        if xt.nonce < expected {
            return Err(InvalidTransaction::Stale);
        }
        if xt.nonce > expected && !allow_future {
            return Err(InvalidTransaction::Future);
        }
        if xt.call.is_root_only() && storage::sudo_key(&self.state) != Some(xt.signer) {
            return Err(InvalidTransaction::BadOrigin);
        }
        Ok(())
    }

    /// Applies one encoded extrinsic to the block being built. As FRAME's
    /// `CheckWeight`, it must fit its worst-case weight and its length in
    /// what is left of the block, and the block then counts the weight it
    /// used (after the refund). That check comes before the signature's, so
    /// a full block refuses what is left cheaply; the weight checked is the
    /// weight charged.
    pub fn apply_extrinsic(&mut self, encoded: &[u8]) -> Result<ApplyOutcome, ApplyError> {
        let xt = UncheckedExtrinsic::decode_exact(encoded)?;
        let weight = dispatch::worst_case_weight(self, &xt.call);
        let length = self.block_length + encoded.len() as u64;
        if self.block_weight.saturating_add(weight) > rules::MAX_NORMAL_WEIGHT
            || length > rules::MAX_NORMAL_LENGTH
        {
            return Err(InvalidTransaction::ExhaustsResources.into());
        }
        if !xt.signature_is_valid(self.genesis_hash) {
            return Err(InvalidTransaction::BadSignature.into());
        }
        self.check_nonce_and_origin(&xt, false)?;
        storage::set_nonce(&mut self.state, &xt.signer, xt.nonce + 1);
        let outcome = dispatch::dispatch(self, &xt.signer, xt.call, weight)?;
        self.extrinsic_index += 1;
        self.block_weight += outcome.info.actual_weight;
        self.block_length = length;
        Ok(outcome)
    }

    /// Abandons the block being built (e.g. the verifier could not run):
    /// its changes and events are dropped and the code in force is the
    /// stored one again.
    pub fn abort_block(&mut self) {
        self.state.discard_block();
        self.events.clear();
        self.extrinsic_index = 0;
        self.block_weight = 0;
        self.block_length = 0;
        self.ahead.clear();
        let code = storage::code(&self.state).expect("genesis stores the verifier code");
        if code != self.code.bytes() {
            self.code = Code::new(code);
        }
    }

    /// Ends the block: folds its changes into the state root.
    pub fn finalize_block(&mut self) -> BlockOutcome {
        let number = storage::block_number(&self.state);
        let (state_root, changes) = self.state.commit_block();
        // Made for this block's extrinsics: kept, they would only hold memory.
        self.ahead.clear();
        BlockOutcome {
            number,
            state_root,
            events: std::mem::take(&mut self.events),
            changes,
        }
    }

    /// A runtime of the chain `config` starts, at a state a node stored
    /// (`storage_pairs` of an earlier runtime); `None` if that state holds
    /// no verifier code. The caller checks `state_root` against its header.
    pub fn restore(
        config: GenesisConfig,
        executor: Arc<Executor>,
        backend: Backend,
        pairs: impl IntoIterator<Item = (Vec<u8>, Vec<u8>)>,
    ) -> Option<Self> {
        // The genesis hash commits to the genesis state, not this one.
        let mut runtime = Self::genesis(config, executor, backend);
        runtime.state = State::from_pairs(pairs);
        let code = storage::code(&runtime.state)?;
        if code != runtime.code.bytes() {
            runtime.code = Code::new(code);
        }
        Some(runtime)
    }

    /// Every storage key and value as of the last finalized block.
    pub fn storage_pairs(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        self.state.pairs()
    }

    /// The root over every change so far.
    pub fn state_root(&mut self) -> H256 {
        self.state.root()
    }

    /// A raw storage value, as `state_getStorage` reads it.
    pub fn storage(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.state.get(key)
    }

    pub fn nonce(&self, who: &AccountId) -> u64 {
        storage::nonce(&self.state, who)
    }

    /// `who`'s record of `commitment`: when and how that account verified
    /// it; `None` if it has not (whoever else has).
    pub fn verified(&self, commitment: &H256, who: &AccountId) -> Option<VerifiedCommitment> {
        storage::commitment(&self.state, commitment, who)
    }

    /// The limits in force for a supported size.
    pub fn limits(&self, log_size: u32) -> Option<SizeLimits> {
        ligerito_executor::sizes::get(log_size).map(|size| storage::limits(&self.state, size))
    }

    /// SHA-256 of the verifier code in force.
    pub fn code_hash(&self) -> H256 {
        H256(self.code.hash().0)
    }

    pub(crate) fn deposit(&mut self, event: RuntimeEvent) {
        self.events.push(EventRecord {
            extrinsic_index: self.extrinsic_index,
            event,
        });
    }
}
