//! Shape errors and wrong loss/output pairings are compile errors
//! (`tests/ui/*.stderr` hold the expected compiler messages); the right
//! pairings compile (`tests/ui/pass`).

#[test]
fn shape_mismatches_and_wrong_pairings_do_not_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
