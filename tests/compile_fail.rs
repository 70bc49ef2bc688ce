//! Shape errors are compile errors that name both sizes (`tests/ui/*.stderr`
//! hold the expected compiler messages).

#[test]
fn shape_mismatches_do_not_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
