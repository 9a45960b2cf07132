//! The node's own RPC methods, beside Substrate's (`sc-rpc`): account nonces,
//! fee queries and the Ligerito pallet's `ligerito_*`.

use std::sync::Arc;

use jsonrpsee::RpcModule;
use ligerito_substrate_runtime::{opaque::Block, AccountId, Balance, BlockNumber, Nonce};
use pallet_ligerito::runtime_api::LigeritoApi;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};

/// What the RPC methods read.
pub struct FullDeps<C, P> {
    /// The client.
    pub client: Arc<C>,
    /// The transaction pool.
    pub pool: Arc<P>,
}

/// The node's RPC methods in one module.
pub fn create_full<C, P>(
    deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
    C: ProvideRuntimeApi<Block>,
    C: HeaderBackend<Block> + HeaderMetadata<Block, Error = BlockChainError> + 'static,
    C: Send + Sync + 'static,
    C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
    C::Api: pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>,
    C::Api: LigeritoApi<Block, AccountId, BlockNumber>,
    C::Api: BlockBuilder<Block>,
    P: TransactionPool + 'static,
{
    use pallet_ligerito_rpc::{Ligerito, LigeritoRpcServer};
    use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
    use substrate_frame_rpc_system::{System, SystemApiServer};

    let mut module = RpcModule::new(());
    let FullDeps { client, pool } = deps;

    module.merge(System::new(client.clone(), pool).into_rpc())?;
    module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
    // A dry run is a free guest run: served to whom `--rpc-methods` admits
    // unsafe calls, as `system_dryRun` is.
    let ligerito = Ligerito::new(client).dry_runs_if(|ext| sc_rpc_api::check_if_safe(ext).is_ok());
    module.merge(ligerito.into_rpc())?;

    Ok(module)
}
