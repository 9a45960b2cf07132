//! Arbitrary JSON-RPC requests to the verifier's methods: every one gets a
//! JSON answer (a result or a documented error), never a panic.
#![no_main]

use jsonrpsee::RpcModule;
use libfuzzer_sys::fuzz_target;
use ligerito_executor::Executor;
use ligerito_rpc::{LigeritoApiServer, LigeritoRpc, RpcConfig};
use std::sync::{Arc, OnceLock};

fuzz_target!(|data: &[u8]| {
    static STATE: OnceLock<(tokio::runtime::Runtime, RpcModule<LigeritoRpc>)> = OnceLock::new();
    let (rt, module) = STATE.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let rpc = LigeritoRpc::new(Arc::new(Executor::new()), RpcConfig::default()).unwrap();
        (rt, rpc.into_rpc())
    });
    let Ok(request) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok((response, _)) = rt.block_on(module.raw_json_request(request, 1)) {
        serde_json::from_str::<serde_json::Value>(response.get()).expect("a JSON answer");
    }
});
