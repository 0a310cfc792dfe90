#[test]
fn errors_stay_small() {
    // Large `Err` types slow every `?` and trip clippy's `result_large_err`
    // in users' code.
    assert!(
        std::mem::size_of::<super::Error>() <= 64,
        "{}",
        std::mem::size_of::<super::Error>()
    );
}
