//! Upstream's `verify_inner` without evaluation claims, step for step: the
//! same transcript, the same checks, the same verdict.

use crate::basis::Basis;
use crate::field::{value, RowField};
use crate::gf128::mul;
use crate::kernels::{counted, Hash, Kernels, Local, Miscount};
use crate::merkle;
use crate::sha256::hash_rows;
use crate::tensor::Tensor;
use crate::transcript::Transcript;
use crate::view::{Opening, ProofView};
use alloc::vec::Vec;
use core::fmt;
use ligerito::security::LOG_INV_RATE;
use ligerito::{FinalizedLigeritoProof, VerifierConfig};
use ligerito_binary_fields::{BinaryElem128, BinaryElem32};
use ligerito_merkle::MerkleRoot;

/// A proof as the upstream CLI writes it.
pub type Proof = FinalizedLigeritoProof<BinaryElem32, BinaryElem128>;

/// Why there is no verdict on a proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The configuration itself is unsound (upstream's `InvalidProof` error).
    IllFormedConfig,
    /// A kernel returned the wrong number of values.
    Kernel(Miscount),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::IllFormedConfig => write!(f, "the configuration is ill-formed"),
            Self::Kernel(m) => write!(
                f,
                "kernel {} returned {} values, expected {}",
                m.kernel, m.got, m.want
            ),
        }
    }
}

/// How [`verify_inner`] stops early.
enum Failure {
    Rejected(Rejection),
    Broken(Miscount),
}

impl From<Rejection> for Failure {
    fn from(r: Rejection) -> Self {
        Self::Rejected(r)
    }
}

impl From<Miscount> for Failure {
    fn from(m: Miscount) -> Self {
        Self::Broken(m)
    }
}

/// Which check a rejected proof failed. Upstream rejects exactly the same
/// proofs, without saying why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// A part's length differs from what the configuration demands.
    Shape,
    /// The opened rows of a round do not open its commitment at the
    /// transcript's queries (or are not as many, or as wide, as required).
    Opening { round: usize },
    /// A sumcheck round polynomial does not sum to the running claim.
    Sumcheck { round: usize },
    /// The sumcheck does not end in the claimed folded message `yr`.
    FinalClaim,
    /// A final opened row disagrees with the encoding of `yr` at its index.
    RowCheck { row: usize },
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Shape => write!(f, "proof shape does not match the configuration"),
            Self::Opening { round } => write!(f, "Merkle opening of round {round} fails"),
            Self::Sumcheck { round } => {
                write!(f, "sumcheck round {round} does not match the claim")
            }
            Self::FinalClaim => write!(f, "sumcheck does not end in the final message"),
            Self::RowCheck { row } => write!(f, "final row {row} disagrees with the final message"),
        }
    }
}

/// Verifies `proof` as `ligerito::verify_with_transcript(config, proof,
/// FiatShamir::new_sha256(0))` does, with the kernels computed in-process.
pub fn verify(config: &VerifierConfig, proof: &Proof) -> Result<Result<(), Rejection>, Error> {
    verify_with(config, proof, &Local)
}

/// [`verify`] with the given kernels (a guest's are its host's).
pub fn verify_with(
    config: &VerifierConfig,
    proof: &Proof,
    kernels: &impl Kernels,
) -> Result<Result<(), Rejection>, Error> {
    verify_view(config, &ProofView::of(proof), kernels)
}

/// [`verify_with`] of a proof's parts, as [`crate::decode::view`] leaves
/// them in the proof's bytes.
pub fn verify_view(
    config: &VerifierConfig,
    proof: &ProofView<'_>,
    kernels: &impl Kernels,
) -> Result<Result<(), Rejection>, Error> {
    if !config.is_well_formed() {
        return Err(Error::IllFormedConfig);
    }
    let mut fs = Transcript::new(kernels, 0);
    match verify_inner(config, proof, kernels, &mut fs) {
        Ok(()) => Ok(Ok(())),
        Err(Failure::Rejected(r)) => Ok(Err(r)),
        Err(Failure::Broken(m)) => Err(Error::Kernel(m)),
    }
}

fn verify_inner<K: Kernels>(
    config: &VerifierConfig,
    proof: &ProofView<'_>,
    kernels: &K,
    fs: &mut Transcript<'_, K>,
) -> Result<(), Failure> {
    let steps = config.recursive_steps;
    let last = steps - 1;
    if proof.recursive_roots.len() != steps
        || proof.recursive.len() != steps - 1
        || proof.sumcheck.len() != config.ks.iter().sum::<usize>()
        || !proof.eval_rounds.is_empty()
        || proof.yr.len() != 1 << config.log_dims[last]
    {
        return Err(Rejection::Shape.into());
    }

    absorb_config(config, fs);
    fs.absorb_root(&proof.initial_root);
    // no evaluation claims
    fs.absorb_bytes(b"ligerito-v1-claims", &0u64.to_le_bytes());
    let rho_0 = (0..config.initial_k)
        .map(|_| fs.challenge())
        .collect::<Result<Vec<u128>, _>>()?;
    fs.absorb_root(&proof.recursive_roots[0]);

    let initial = &proof.initial;
    let queries = open_round::<BinaryElem32, _>(
        fs,
        kernels,
        config,
        &proof.initial_root,
        initial,
        config.initial_dim + LOG_INV_RATE,
        1 << config.initial_k,
    )?
    .ok_or(Rejection::Opening { round: 0 })?;
    let alpha = fs.challenge()?;
    let mut basis = Basis::default();
    let mut sum = basis.add_queries::<BinaryElem32>(
        kernels,
        config.initial_dim,
        &initial.rows,
        &queries,
        &rho_0,
        alpha,
    )?;
    fs.absorb_elem(sum);

    let mut rounds = proof.sumcheck.iter().enumerate();
    for i in 0..steps {
        let mut rs = Vec::with_capacity(config.ks[i]);
        for _ in 0..config.ks[i] {
            let (round, &(s0, s1, s2)) = rounds.next().ok_or(Rejection::Shape)?;
            let (c0, c1, c2) = (value(s0), value(s1), value(s2));
            if c0 ^ c1 != sum {
                return Err(Rejection::Sumcheck { round }.into());
            }
            fs.absorb_elem(c0);
            fs.absorb_elem(c1);
            fs.absorb_elem(c2);
            let r = fs.challenge()?;
            // g(X) = s0 + (s0 + s1 + s2)·X + s2·X²
            sum = c0 ^ mul(c0 ^ c1 ^ c2, r) ^ mul(c2, mul(r, r));
            basis.fold(r);
            rs.push(r);
        }

        let root = &proof.recursive_roots[i];
        let log_rows = config.log_dims[i] + LOG_INV_RATE;
        if i == last {
            let yr: Vec<u128> = proof.yr.iter().map(|&e| value(e)).collect();
            fs.absorb_elems(&yr);
            let queries = open_round::<BinaryElem128, _>(
                fs,
                kernels,
                config,
                root,
                &proof.last,
                log_rows,
                1 << config.ks[i],
            )?
            .ok_or(Rejection::Opening { round: i + 1 })?;

            if basis.inner(kernels, &yr)? != sum {
                return Err(Rejection::FinalClaim.into());
            }
            // ⟨row_q, eq(rs)⟩ = Enc(yr)[q] = ⟨yr, ⊗_j (1, s_j(ω_q))⟩
            let images = BinaryElem128::subspace_images(config.log_dims[i], log_rows);
            let encoded = kernels.eval_many(&Tensor {
                y: &yr,
                images: &images,
                width: log_rows,
                from: 0,
                points: &queries,
            });
            let encoded = counted("tensor_eval", encoded, queries.len())?;
            let opened = BinaryElem128::dots(kernels, &proof.last.rows, &rs);
            let opened = counted("row_dots", opened, queries.len())?;
            if let Some(row) = opened
                .iter()
                .zip(encoded)
                .position(|(&got, want)| got != want)
            {
                return Err(Rejection::RowCheck { row }.into());
            }
            return Ok(());
        }

        fs.absorb_root(&proof.recursive_roots[i + 1]);
        let opening = &proof.recursive[i];
        let queries = open_round::<BinaryElem128, _>(
            fs,
            kernels,
            config,
            root,
            opening,
            log_rows,
            1 << config.ks[i],
        )?
        .ok_or(Rejection::Opening { round: i + 1 })?;
        let alpha = fs.challenge()?;
        // β is drawn after s is absorbed: add the rows unscaled, then scale
        let s = basis.add_queries::<BinaryElem128>(
            kernels,
            config.log_dims[i],
            &opening.rows,
            &queries,
            &rs,
            alpha,
        )?;
        fs.absorb_elem(s);
        let beta = fs.challenge()?;
        sum ^= mul(beta, s);
        basis.scale_last(beta);
    }
    unreachable!("the last round returns")
}

/// upstream's `VerifierConfig::absorb_into` (crate-private there).
fn absorb_config<K: Kernels>(config: &VerifierConfig, fs: &mut Transcript<'_, K>) {
    let mut header = Vec::with_capacity(4 * (4 + 2 * config.recursive_steps));
    for v in [
        config.initial_dim,
        config.initial_k,
        config.recursive_steps,
        config.num_queries,
    ]
    .into_iter()
    .chain(config.log_dims.iter().copied())
    .chain(config.ks.iter().copied())
    {
        header.extend_from_slice(&(v as u32).to_le_bytes());
    }
    fs.absorb_bytes(b"ligerito-v1-config", &header);
}

/// A round's queries, if the opened rows (of `F`) have the required count
/// and width and open `root` at them.
fn open_round<F: RowField, K: Kernels>(
    fs: &mut Transcript<'_, K>,
    kernels: &K,
    config: &VerifierConfig,
    root: &MerkleRoot,
    opening: &Opening<'_>,
    log_rows: usize,
    row_len: usize,
) -> Result<Option<Vec<u32>>, Miscount> {
    let rows = 1usize << log_rows;
    let queries = fs.distinct_queries(rows, config.num_queries)?;
    let row_bytes = row_len * core::mem::size_of::<F>();
    if queries.len() != config.num_queries.min(rows)
        || opening.rows.len() != queries.len()
        || opening.rows.iter().any(|r| r.len() != row_bytes)
    {
        return Ok(None);
    }
    let hashed: Vec<Hash> = hash_rows::<F>(kernels, &opening.rows)?;
    let opens = merkle::verify(kernels, root, opening.siblings, log_rows, &hashed, &queries)?;
    Ok(opens.then(|| queries.iter().map(|&q| q as u32).collect()))
}
