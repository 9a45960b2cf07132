//! The Ligerito runtime module: a blockchain-style pallet whose signed
//! `verify` extrinsic runs the PolkaVM verifier guest with gas metering.
//!
//! Shaped like a FRAME pallet (calls, events, errors, storage, weights)
//! without depending on FRAME. A node drives it block by block:
//! [`Runtime::initialize_block`], [`Runtime::apply_extrinsic`] for each
//! extrinsic, [`Runtime::finalize_block`] for the state root and events.
//!
//! Without the `std` feature only [`types`], [`weights`], [`rules`] and
//! [`decide`] remain: what `pallet-ligerito` shares with this module, so
//! that both decide every call with the same code.
#![cfg_attr(not(feature = "std"), no_std)]

pub mod decide;
pub mod rules;
pub mod types;
pub mod weights;

#[cfg(feature = "std")]
mod ahead;
#[cfg(feature = "std")]
mod dispatch;
#[cfg(feature = "std")]
pub mod extrinsic;
#[cfg(feature = "std")]
pub mod metadata;
#[cfg(feature = "std")]
mod runtime;
#[cfg(feature = "std")]
pub mod state;
#[cfg(feature = "std")]
pub mod storage;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

#[cfg(feature = "std")]
pub use extrinsic::{dev_account, UncheckedExtrinsic, DEV_ACCOUNTS, MAX_EXTRINSIC_LEN};
#[cfg(feature = "std")]
pub use runtime::*;
pub use types::*;
