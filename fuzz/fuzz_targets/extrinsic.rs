//! Arbitrary bytes as an extrinsic: decoded and dispatched without a panic,
//! and an extrinsic the runtime refuses leaves the state as it was.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ligerito_executor::{Backend, Executor};
use ligerito_runtime::{GenesisConfig, Runtime};
use std::sync::{Arc, Mutex, OnceLock};

fuzz_target!(|data: &[u8]| {
    static RUNTIME: OnceLock<Mutex<Runtime>> = OnceLock::new();
    let runtime = RUNTIME.get_or_init(|| {
        let executor = Arc::new(Executor::new());
        let mut runtime = Runtime::genesis(GenesisConfig::dev(), executor, Backend::Compiler);
        runtime.initialize_block(1);
        Mutex::new(runtime)
    });
    let mut runtime = runtime.lock().unwrap();
    let before = runtime.state_root();
    if runtime.apply_extrinsic(data).is_err() {
        assert_eq!(runtime.state_root(), before);
    }
});
