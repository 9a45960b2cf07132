//! The guest's size table restates upstream's verifier configurations; this
//! is the check that it restates them exactly.

use ligerito::VerifierConfig;
use ligerito_executor::sizes;

fn assert_same(ours: &VerifierConfig, upstream: &VerifierConfig, log_size: u32) {
    let fields = |c: &VerifierConfig| {
        (
            c.recursive_steps,
            c.initial_dim,
            c.log_dims.clone(),
            c.initial_k,
            c.ks.clone(),
            c.num_queries,
        )
    };
    assert_eq!(
        fields(ours),
        fields(upstream),
        "configuration for 2^{log_size}"
    );
}

#[test]
fn cli_sizes_match_upstream_autosizer() {
    for log_size in ligerito::MIN_LOG_SIZE..=ligerito::MAX_LOG_SIZE {
        let ours = sizes::get(log_size).unwrap_or_else(|| panic!("2^{log_size} unsupported"));
        assert_same(
            &ours.verifier_config(),
            &ligerito::verifier_config_for_log_size(log_size),
            log_size,
        );
    }
}

#[test]
fn test_sizes_match_upstream_hardcoded_configs() {
    assert_same(
        &sizes::get(12).unwrap().verifier_config(),
        &ligerito::hardcoded_config_12_verifier(),
        12,
    );
    assert_same(
        &sizes::get(16).unwrap().verifier_config(),
        &ligerito::hardcoded_config_16_verifier(),
        16,
    );
}

#[test]
fn every_config_is_well_formed_for_upstream() {
    for size in &sizes::SIZES {
        assert!(
            size.verifier_config().is_well_formed(),
            "2^{}",
            size.log_size
        );
    }
}

#[test]
fn only_upstream_sizes_and_the_two_test_sizes_are_supported() {
    let supported: Vec<u32> = sizes::SIZES.iter().map(|s| s.log_size).collect();
    let mut expected = vec![12, 16];
    expected.extend(ligerito::MIN_LOG_SIZE..=ligerito::MAX_LOG_SIZE);
    assert_eq!(supported, expected);
}
