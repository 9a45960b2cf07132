//! Two mock runtimes, alike but for the runner: `via_host` (the runtime
//! interface, here called natively as a node's executor would) and
//! `in_runtime` (PolkaVM's interpreter in the runtime).

macro_rules! mock_runtime {
    ($name:ident, $runner:ty) => {
        pub mod $name {
            use crate as pallet_ligerito;
            use frame_support::derive_impl;
            use sp_runtime::BuildStorage;

            type Block = frame_system::mocking::MockBlock<Test>;

            frame_support::construct_runtime!(
                pub enum Test {
                    System: frame_system,
                    Ligerito: pallet_ligerito,
                }
            );

            #[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
            impl frame_system::Config for Test {
                type Block = Block;
            }

            impl pallet_ligerito::Config for Test {
                type Runner = $runner;
                type WeightInfo = ();
            }

            /// Genesis with the committed verifier blob, at block 1 (events are kept from there).
            pub fn new_test_ext() -> sp_io::TestExternalities {
                let storage = RuntimeGenesisConfig::default()
                    .build_storage()
                    .expect("the default genesis builds");
                let mut ext = sp_io::TestExternalities::new(storage);
                ext.execute_with(|| System::set_block_number(1));
                ext
            }
        }
    };
}

// For runtimes alike but for a test's runner (`tests::differential`).
pub(crate) use mock_runtime;

mock_runtime!(via_host, crate::ViaHost);
mock_runtime!(in_runtime, crate::InRuntime);

pub use ligerito_tests::proof_with_seed as proof;

/// The commitment a proof opens with.
pub fn commitment(proof: &[u8]) -> sp_core::H256 {
    sp_core::H256::from_slice(&proof[1..33])
}
