//! Fits the measurements as frame-benchmarking-cli does (least squares over
//! the runs within the interquartile range) and writes the pallet's
//! `weights.rs`: ref time in picoseconds, reads and writes, and proof size
//! from the storage items' bounds (`MaxEncodedLen`, the CLI's default).

use crate::Measured;
use anyhow::{anyhow, Result};
use frame_benchmarking::{Analysis, BenchmarkResult, BenchmarkSelector};
use frame_support::traits::StorageInfo;
use std::collections::BTreeMap;
use std::fmt::Write;

/// frame-benchmarking-cli's defaults: a map without a bound on its entries
/// counts as a million, and two trie layers are added above each read.
const WORST_CASE_MAP_VALUES: u64 = 1_000_000;
const ADDITIONAL_TRIE_LAYERS: u64 = 2;
/// A trie layer in a proof: 15 sibling hashes with their length prefixes.
const TRIE_LAYER: u64 = 15 * 33;

struct Fit<'a> {
    measured: &'a Measured,
    time: Analysis,
    reads: Analysis,
    writes: Analysis,
    proof_size: u64,
    /// `Pallet::Item (r:R w:W)` lines for the storage touched.
    storage: Vec<String>,
}

fn analyse(
    results: &[BenchmarkResult],
    selector: BenchmarkSelector,
    name: &str,
) -> Result<Analysis> {
    Analysis::min_squares_iqr(&results.to_vec(), selector)
        .map_err(|e| anyhow!("benchmark {name}: {e}"))
}

fn fit<'a>(measured: &'a Measured, storage: &[StorageInfo]) -> Result<Fit<'a>> {
    let name = &measured.name;
    let mut proof_size = 0;
    for result in &measured.db {
        proof_size = proof_size.max(estimated_proof_size(result, storage, name)?);
    }
    Ok(Fit {
        time: analyse(&measured.time, BenchmarkSelector::ExtrinsicTime, name)?,
        reads: analyse(&measured.db, BenchmarkSelector::Reads, name)?,
        writes: analyse(&measured.db, BenchmarkSelector::Writes, name)?,
        proof_size,
        storage: measured
            .db
            .last()
            .map_or_else(Vec::new, |r| storage_lines(r, storage)),
        measured,
    })
}

fn info<'a>(key: &[u8], storage: &'a [StorageInfo]) -> Option<&'a StorageInfo> {
    storage.iter().find(|i| key.starts_with(&i.prefix))
}

/// Every item read, at its largest encoding, with the trie nodes above it.
fn estimated_proof_size(
    result: &BenchmarkResult,
    storage: &[StorageInfo],
    name: &str,
) -> Result<u64> {
    let mut total = 0;
    for (key, reads, _, whitelisted) in &result.keys {
        if *whitelisted || *reads == 0 {
            continue;
        }
        let info = info(key, storage).ok_or_else(|| {
            anyhow!(
                "benchmark {name} reads 0x{}, not a declared storage item",
                hex(key)
            )
        })?;
        let max_size = info.max_size.ok_or_else(|| {
            anyhow!(
                "benchmark {name} reads {}, which has no MaxEncodedLen bound",
                item_name(info)
            )
        })?;
        let entries = info.max_values.map_or(WORST_CASE_MAP_VALUES, u64::from);
        total += u64::from(max_size) + TRIE_LAYER * (log16_ceil(entries) + ADDITIONAL_TRIE_LAYERS);
    }
    Ok(total)
}

fn log16_ceil(n: u64) -> u64 {
    let (mut depth, mut reach) = (0, 1u64);
    while reach < n {
        reach = reach.saturating_mul(16);
        depth += 1;
    }
    depth
}

fn storage_lines(result: &BenchmarkResult, storage: &[StorageInfo]) -> Vec<String> {
    let mut items = BTreeMap::<String, (u32, u32, Option<u32>)>::new();
    for (key, reads, writes, whitelisted) in &result.keys {
        if *whitelisted {
            continue;
        }
        let (name, max_size) = match info(key, storage) {
            Some(info) => (item_name(info), info.max_size),
            None => (format!("0x{}", hex(key)), None),
        };
        let item = items.entry(name).or_insert((0, 0, max_size));
        item.0 += reads;
        item.1 += writes;
    }
    items
        .into_iter()
        .map(|(name, (r, w, max))| match max {
            Some(max) => format!("Storage: `{name}` (r:{r} w:{w}), at most {max} bytes"),
            None => format!("Storage: `{name}` (r:{r} w:{w})"),
        })
        .collect()
}

fn item_name(info: &StorageInfo) -> String {
    format!(
        "{}::{}",
        String::from_utf8_lossy(&info.pallet_name),
        String::from_utf8_lossy(&info.storage_name)
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `1234567` as `1_234_567`, as the CLI writes numbers.
fn grouped(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('_');
        }
        out.push(c);
    }
    out
}

fn component_names(fit: &Fit) -> Vec<(String, bool)> {
    let used = |i: usize| {
        [&fit.time, &fit.reads, &fit.writes]
            .iter()
            .any(|a| a.slopes.get(i).is_some_and(|s| *s != 0))
    };
    fit.measured
        .components
        .iter()
        .enumerate()
        .map(|(i, (p, _, _))| (p.to_string(), used(i)))
        .collect()
}

fn signature(fit: &Fit, mark_unused: bool) -> String {
    let params: Vec<String> = component_names(fit)
        .into_iter()
        .map(|(name, used)| {
            let prefix = if mark_unused && !used { "_" } else { "" };
            format!("{prefix}{name}: u32")
        })
        .collect();
    format!("fn {}({}) -> Weight", fit.measured.name, params.join(", "))
}

fn body(fit: &Fit, db: &str) -> String {
    let names = component_names(fit);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "        // Minimum execution time: {} picoseconds.",
        grouped(fit.time.minimum * 1000)
    );
    let _ = writeln!(
        out,
        "        Weight::from_parts({}, {})",
        grouped(fit.time.base),
        grouped(fit.proof_size.into())
    );
    for (i, slope) in fit.time.slopes.iter().enumerate().filter(|(_, s)| **s != 0) {
        if let Some(error) = fit.time.errors.as_ref().and_then(|e| e.get(i)) {
            let _ = writeln!(out, "            // Standard error: {}", grouped(*error));
        }
        let _ = writeln!(
            out,
            "            .saturating_add(Weight::from_parts({}, 0).saturating_mul({}.into()))",
            grouped(*slope),
            names[i].0
        );
    }
    for (analysis, kind) in [(&fit.reads, "reads"), (&fit.writes, "writes")] {
        if analysis.base != 0 {
            let _ = writeln!(
                out,
                "            .saturating_add({db}.{kind}({}))",
                analysis.base
            );
        }
        for (i, slope) in analysis.slopes.iter().enumerate().filter(|(_, s)| **s != 0) {
            let _ = writeln!(
                out,
                "            .saturating_add({db}.{kind}(({slope}_u64).saturating_mul({}.into())))",
                names[i].0
            );
        }
    }
    out
}

fn doc_lines(fit: &Fit, indent: &str) -> String {
    let mut out = String::new();
    for (p, low, high) in &fit.measured.components {
        let _ = writeln!(
            out,
            "{indent}/// The range of component `{p}` is `[{low}, {high}]`."
        );
    }
    for line in &fit.storage {
        let _ = writeln!(out, "{indent}/// {line}");
    }
    out
}

/// What the file holds besides `name`'s implementation.
pub enum Layout {
    /// The `WeightInfo` trait, and `()` with RocksDB's database weights
    /// (the pallet's `weights.rs`).
    WithTrait,
    /// The implementation alone, of `crate::weights::WeightInfo`.
    ImplOnly,
}

/// The file: `name`'s implementation with the chain's database weights,
/// and what `layout` adds.
pub fn render(
    measured: &[Measured],
    storage: &[StorageInfo],
    header: &[String],
    name: &str,
    layout: Layout,
) -> Result<String> {
    let fits = measured
        .iter()
        .map(|m| fit(m, storage))
        .collect::<Result<Vec<_>>>()?;
    let mut out = String::new();
    out.push_str(
        "//! Weights of the pallet's calls, generated by `ligerito-wasm-bench` from the\n\
         //! pallet's benchmarks (benchmarking.rs) run in the example runtime's wasm.\n\
         //! Do not edit: run the command below again instead.\n//!\n",
    );
    for line in header {
        let _ = writeln!(out, "//! {line}");
    }
    out.push_str("\nuse core::marker::PhantomData;\nuse frame_support::traits::Get;\n");
    let mut impls = vec![(
        format!(
            "/// The benchmarks' figures with the chain's database weights.\n\
             pub struct {name}<T>(PhantomData<T>);\n\n\
             impl<T: frame_system::Config> WeightInfo for {name}<T> {{\n"
        ),
        "T::DbWeight::get()",
    )];
    match layout {
        Layout::WithTrait => {
            out.push_str(
                "use frame_support::weights::{constants::RocksDbWeight, Weight};\n\n\
                 /// One function per benchmark.\n\
                 pub trait WeightInfo {\n",
            );
            for fit in &fits {
                let _ = writeln!(out, "    /// The `{}` benchmark.", fit.measured.name);
                out.push_str(&doc_lines(fit, "    "));
                let _ = writeln!(out, "    {};", signature(fit, false));
            }
            out.push_str("}\n");
            impls.push((
                "/// For tests and chains without their own: RocksDB's storage weights.\n\
                 impl WeightInfo for () {\n"
                    .to_string(),
                "RocksDbWeight::get()",
            ));
        }
        Layout::ImplOnly => {
            out.push_str("use frame_support::weights::Weight;\n\nuse crate::weights::WeightInfo;\n");
        }
    }
    for (head, db) in impls {
        out.push('\n');
        out.push_str(&head);
        for (i, fit) in fits.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let _ = writeln!(out, "    {} {{", signature(fit, true));
            out.push_str(&body(fit, db));
            out.push_str("    }\n");
        }
        out.push_str("}\n");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_in_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1_000");
        assert_eq!(grouped(1_234_567), "1_234_567");
    }

    #[test]
    fn a_million_entry_map_is_five_trie_layers_deep() {
        assert_eq!(log16_ceil(1), 0);
        assert_eq!(log16_ceil(16), 1);
        assert_eq!(log16_ceil(17), 2);
        assert_eq!(log16_ceil(WORST_CASE_MAP_VALUES), 5);
    }

    #[test]
    fn proof_size_counts_each_read_item_at_its_bound_and_skips_the_whitelist() {
        let item = |prefix: &[u8], max_values, max_size| StorageInfo {
            pallet_name: b"Ligerito".to_vec(),
            storage_name: prefix.to_vec(),
            prefix: prefix.to_vec(),
            max_values,
            max_size,
        };
        let storage = [item(b"code", Some(1), Some(1000)), item(b"map", None, Some(100))];
        let result = BenchmarkResult {
            keys: vec![
                (b"code".to_vec(), 1, 0, false),
                (b"map-key".to_vec(), 1, 1, false),
                (b"map-other".to_vec(), 0, 1, false),
                (b"whitelisted".to_vec(), 1, 1, true),
            ],
            ..Default::default()
        };
        let expected = (1000 + TRIE_LAYER * 2) + (100 + TRIE_LAYER * (5 + 2));
        assert_eq!(estimated_proof_size(&result, &storage, "t").unwrap(), expected);

        let unbounded = [item(b"code", Some(1), None), item(b"map", None, Some(100))];
        assert!(estimated_proof_size(&result, &unbounded, "t").is_err());
    }
}
