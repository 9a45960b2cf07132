//! The smallest FRAME runtime that holds `pallet-ligerito`: `frame-system`,
//! the pallet, and the runtime APIs a node calls (block building and
//! import, the transaction pool, genesis, metadata, `LigeritoApi`). It is
//! built for wasm32 by `../build.sh` and run in Substrate's executor by
//! `ligerito-wasm-check`; docs/FRAME.md shows the same steps in a
//! solochain-template runtime.
//!
//! The runner is `ViaHost` (the node's host functions), or `InRuntime`
//! (PolkaVM's interpreter inside this wasm) with the `in-runtime` feature.
//! With `runtime-benchmarks` it also has the `Benchmark` runtime API that
//! `ligerito-wasm-bench` (`../bench.sh`) runs the pallet's benchmarks with.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::{borrow::Cow, vec, vec::Vec};
use frame_support::{
    derive_impl,
    genesis_builder_helper::{build_state, get_preset},
    weights::{constants::WEIGHT_REF_TIME_PER_SECOND, Weight},
};
use frame_system::limits::{BlockLength, BlockWeights};
use pallet_ligerito::{ChainConfig, DryRun, VerifiedCommitment};
use sp_api::impl_runtime_apis;
use sp_core::{OpaqueMetadata, H256};
use sp_runtime::{
    generic,
    traits::{BlakeTwo256, Block as BlockT, IdentifyAccount, Verify},
    transaction_validity::{TransactionSource, TransactionValidity},
    ApplyExtrinsicResult, ExtrinsicInclusionMode, MultiSignature, Perbill,
};
use sp_version::RuntimeVersion;

pub type Signature = MultiSignature;
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// How a signed extrinsic names its signer: `frame-system`'s default lookup.
pub type Address = sp_runtime::MultiAddress<AccountId, ()>;
pub type BlockNumber = u32;
pub type Nonce = u32;
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
pub type TxExtension = (
    frame_system::CheckNonZeroSender<Runtime>,
    frame_system::CheckSpecVersion<Runtime>,
    frame_system::CheckGenesis<Runtime>,
    frame_system::CheckEra<Runtime>,
    frame_system::CheckNonce<Runtime>,
    frame_system::CheckWeight<Runtime>,
);
pub type UncheckedExtrinsic =
    generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
pub type Executive = frame_executive::Executive<
    Runtime,
    Block,
    frame_system::ChainContext<Runtime>,
    Runtime,
    AllPalletsWithSystem,
>;

#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
    spec_name: Cow::Borrowed("ligerito-example"),
    impl_name: Cow::Borrowed("ligerito-example"),
    authoring_version: 1,
    spec_version: 1,
    impl_version: 1,
    apis: RUNTIME_API_VERSIONS,
    transaction_version: 1,
    system_version: 1,
};

frame_support::parameter_types! {
    pub const Version: RuntimeVersion = VERSION;
    // The solochain template's two-second block, three quarters for calls:
    // room for a 2^24 verification's worst-case weight.
    pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
        Weight::from_parts(2 * WEIGHT_REF_TIME_PER_SECOND, u64::MAX),
        Perbill::from_percent(75),
    );
    // Several of the largest proofs (468,780 bytes) per block.
    pub RuntimeBlockLength: BlockLength = BlockLength::builder().max_length(5 * 1024 * 1024).build();
}

frame_support::construct_runtime!(
    pub enum Runtime {
        System: frame_system,
        Ligerito: pallet_ligerito,
    }
);

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
    type Block = Block;
    type AccountId = AccountId;
    type Nonce = Nonce;
    type Hash = H256;
    type BlockWeights = RuntimeBlockWeights;
    type BlockLength = RuntimeBlockLength;
    type Version = Version;
}

impl pallet_ligerito::Config for Runtime {
    #[cfg(not(feature = "in-runtime"))]
    type Runner = pallet_ligerito::ViaHost;
    #[cfg(feature = "in-runtime")]
    type Runner = pallet_ligerito::InRuntime;
    #[cfg(not(feature = "in-runtime"))]
    type WeightInfo = pallet_ligerito::weights::SubstrateWeight<Runtime>;
    #[cfg(feature = "in-runtime")]
    type WeightInfo = pallet_ligerito::in_runtime_weights::InRuntimeWeight<Runtime>;
}

#[cfg(feature = "runtime-benchmarks")]
frame_benchmarking::define_benchmarks!([pallet_ligerito, Ligerito]);

impl_runtime_apis! {
    impl sp_api::Core<Block> for Runtime {
        fn version() -> RuntimeVersion {
            VERSION
        }

        fn execute_block(block: <Block as BlockT>::LazyBlock) {
            Executive::execute_block(block);
        }

        fn initialize_block(header: &<Block as BlockT>::Header) -> ExtrinsicInclusionMode {
            Executive::initialize_block(header)
        }
    }

    impl sp_api::Metadata<Block> for Runtime {
        fn metadata() -> OpaqueMetadata {
            OpaqueMetadata::new(Runtime::metadata().into())
        }

        fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
            Runtime::metadata_at_version(version)
        }

        fn metadata_versions() -> Vec<u32> {
            Runtime::metadata_versions()
        }
    }

    impl sp_block_builder::BlockBuilder<Block> for Runtime {
        fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
            Executive::apply_extrinsic(extrinsic)
        }

        fn finalize_block() -> <Block as BlockT>::Header {
            Executive::finalize_block()
        }

        fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
            data.create_extrinsics()
        }

        fn check_inherents(
            block: <Block as BlockT>::LazyBlock,
            data: sp_inherents::InherentData,
        ) -> sp_inherents::CheckInherentsResult {
            data.check_extrinsics(&block)
        }
    }

    impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
        fn validate_transaction(
            source: TransactionSource,
            tx: <Block as BlockT>::Extrinsic,
            block_hash: <Block as BlockT>::Hash,
        ) -> TransactionValidity {
            Executive::validate_transaction(source, tx, block_hash)
        }
    }

    impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
        fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
            build_state::<RuntimeGenesisConfig>(config)
        }

        fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
            get_preset::<RuntimeGenesisConfig>(id, |_| None)
        }

        fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
            vec![]
        }
    }

    impl pallet_ligerito::runtime_api::LigeritoApi<Block, AccountId, BlockNumber> for Runtime {
        fn verified(commitment: H256, who: AccountId) -> Option<VerifiedCommitment<BlockNumber>> {
            Ligerito::verified(commitment, who)
        }

        fn verifiers(commitment: H256) -> Vec<(AccountId, VerifiedCommitment<BlockNumber>)> {
            Ligerito::verifiers(commitment)
        }

        fn config() -> ChainConfig {
            Ligerito::config()
        }

        fn dry_run(log_size: u32, proof: Vec<u8>) -> DryRun {
            Ligerito::dry_run(log_size, &proof)
        }
    }

    #[cfg(feature = "runtime-benchmarks")]
    impl frame_benchmarking::Benchmark<Block> for Runtime {
        fn benchmark_metadata(extra: bool) -> (
            Vec<frame_benchmarking::BenchmarkList>,
            Vec<frame_support::traits::StorageInfo>,
        ) {
            use frame_support::traits::StorageInfoTrait;
            let mut list = Vec::new();
            list_benchmarks!(list, extra);
            (list, AllPalletsWithSystem::storage_info())
        }

        fn dispatch_benchmark(
            config: frame_benchmarking::BenchmarkConfig,
        ) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
            use frame_support::traits::WhitelistedStorageKeys;
            let whitelist = AllPalletsWithSystem::whitelisted_storage_keys();
            let mut batches = Vec::new();
            let params = (&config, &whitelist);
            add_benchmarks!(params, batches);
            Ok(batches)
        }
    }
}
