//! What a verification concluded.

use alloc::string::String;

/// The verdict on one input.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    codec::Encode,
    codec::Decode,
    scale_info::TypeInfo,
)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The guest verified the proof (exit code 0).
    Valid,
    /// The proof decoded but does not verify (exit code 1).
    Invalid,
    /// The input is malformed or the guest failed: bad size, bad encoding,
    /// trailing bytes, a trap or an exhausted heap (exit code 2).
    Error,
    /// The gas limit ran out before a verdict (exit code 2).
    OutOfGas,
}

impl Verdict {
    /// The process exit code the CLI uses: 0 valid, 1 invalid, 2 otherwise.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Valid => 0,
            Verdict::Invalid => 1,
            Verdict::Error | Verdict::OutOfGas => 2,
        }
    }
}

/// A verdict with the gas it cost and the guest's diagnostic.
#[derive(
    Clone,
    Debug,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    codec::Encode,
    codec::Decode,
    scale_info::TypeInfo,
)]
pub struct Outcome {
    pub verdict: Verdict,
    /// 0 valid, 1 invalid, 2 error or out of gas.
    pub exit_code: u8,
    /// Gas consumed, at most the limit; identical on both backends.
    pub gas_used: u64,
    /// One line, e.g. `valid` or `decode: unexpected end at byte 1234`.
    pub message: String,
}

impl Outcome {
    pub(crate) fn new(verdict: Verdict, gas_used: u64, message: String) -> Self {
        Self {
            verdict,
            exit_code: verdict.exit_code(),
            gas_used,
            message,
        }
    }

    /// Input the host refuses before starting the guest: costs no gas.
    pub(crate) fn rejected_before_run(message: String) -> Self {
        Self::new(Verdict::Error, 0, message)
    }

    pub fn is_valid(&self) -> bool {
        self.verdict == Verdict::Valid
    }
}
