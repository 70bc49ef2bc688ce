//! Baking: a trained network written as Rust source compiles back into the
//! same network, bit for bit.
//!
//! The files in `tests/fixtures/` were written by
//! `stacknet::bake::write_rust_source` and are compiled here with `include!`,
//! as a firmware crate would. With `--features std`, a second test checks
//! that the generator still writes exactly these files; after a deliberate
//! change of the output, rewrite them with
//! `STACKNET_BLESS=1 cargo test --features std --test bake`.

mod common;

use common::{AllLayers, Housing, bits};
use stacknet::prelude::*;

mod baked_housing {
    include!("fixtures/baked_housing.rs");
}

mod baked_all_layers {
    include!("fixtures/baked_all_layers.rs");
}

mod baked_housing_f64 {
    include!("fixtures/baked_housing_f64.rs");
}

/// Baked constants can initialise a `static`: the network is in the program
/// image, with nothing to run at start-up.
static MODEL: Housing = baked_housing::NET;

/// The house-price MLP after some training on a fixed synthetic target.
fn trained_housing() -> Housing {
    let mut rng = XorShiftRng::seed_from_u64(2024);
    let mut net = Housing::random(Init::HeNormal, &mut rng);
    let (mut cache, mut grads) = (<Housing as Layer>::Cache::ZERO, Housing::ZERO);
    for _ in 0..20 {
        for i in 0..16 {
            let x = [i as f32 * 0.25 - 2.0, (i * 7 % 16) as f32 * 0.125 - 1.0];
            let target = 0.5 * x[0] - x[1];
            let y = net.forward_train(&x, &mut cache);
            net.backward(&cache, &[y[0] - target], &mut grads);
        }
        net.sgd_step(&grads, 0.01);
        grads.fill(0.0);
    }
    net
}

/// Every layer type, with a non-default slope and awkward values: negative
/// zero, a subnormal, the largest and smallest normal floats.
fn all_layers() -> AllLayers {
    let mut rng = XorShiftRng::seed_from_u64(99);
    let mut net = AllLayers::random(Init::XavierUniform, &mut rng);
    net.1 = LeakyRelu::with_slope(0.2);
    net.0.biases = [-0.0, 1.0e-40, f32::MAX, f32::MIN_POSITIVE];
    net.9.biases = [core::f32::consts::PI, -1.0 / 3.0];
    net
}

#[test]
fn baked_housing_network_is_the_trained_one() {
    let trained = trained_housing();
    assert_eq!(bits(&MODEL), bits(&trained));
    assert_ne!(bits(&MODEL), bits(&Housing::ZERO));
    for i in 0..50 {
        let x = [i as f32 * 0.3 - 7.0, 4.0 - i as f32 * 0.17];
        assert_eq!(
            MODEL.forward(&x)[0].to_bits(),
            trained.forward(&x)[0].to_bits()
        );
    }
}

#[test]
fn baked_network_of_every_layer_type_is_the_original() {
    let original = all_layers();
    let baked: AllLayers = baked_all_layers::NET;
    assert_eq!(bits(&baked), bits(&original));
    assert_eq!(baked.1.slope.to_bits(), 0.2f32.to_bits());
    assert_eq!(baked.0.biases[0].to_bits(), (-0.0f32).to_bits());
    for i in 0..50 {
        let x = [
            i as f32 * 0.2 - 5.0,
            (i % 7) as f32 - 3.0,
            1.5 - i as f32 * 0.05,
        ];
        let (a, b) = (baked.forward(&x), original.forward(&x));
        assert_eq!(a.map(f32::to_bits), b.map(f32::to_bits), "input {x:?}");
    }
}

/// The trained house-price MLP in `f64`.
fn housing_f64() -> <Housing as stacknet::num::ConvertTo<f64>>::Output {
    use stacknet::num::Convert;
    trained_housing().convert::<f64>().net
}

#[test]
fn baked_f64_network_has_f64_literals_and_the_same_bits() {
    let source = include_str!("fixtures/baked_housing_f64.rs");
    assert!(source.contains("::stacknet::Dense<2, 4, f64>"));
    assert!(source.contains("f64,") || source.contains("f64]"));
    let (baked, trained) = (baked_housing_f64::NET, housing_f64());
    let flat = |n: &<Housing as stacknet::num::ConvertTo<f64>>::Output| {
        let mut values = Vec::new();
        n.for_each_block(|b| values.extend(b.iter().map(|v| v.to_bits())));
        values
    };
    assert_eq!(flat(&baked), flat(&trained));
}

#[test]
fn generator_writes_exactly_the_compiled_fixtures() {
    use stacknet::bake::{Bake, write_rust_source};
    fn to_rust_source<N: Bake>(net: &N) -> String {
        let mut source = String::new();
        write_rust_source(net, "NET", &mut source).unwrap();
        source
    }
    let cases = [
        (
            "tests/fixtures/baked_housing.rs",
            to_rust_source(&trained_housing()),
            include_str!("fixtures/baked_housing.rs"),
        ),
        (
            "tests/fixtures/baked_all_layers.rs",
            to_rust_source(&all_layers()),
            include_str!("fixtures/baked_all_layers.rs"),
        ),
        (
            "tests/fixtures/baked_housing_f64.rs",
            to_rust_source(&housing_f64()),
            include_str!("fixtures/baked_housing_f64.rs"),
        ),
    ];
    for (path, generated, checked_in) in cases {
        if std::env::var_os("STACKNET_BLESS").is_some() {
            let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
            std::fs::write(full, &generated).unwrap();
        } else {
            assert_eq!(
                generated, checked_in,
                "{path} is stale: rerun with STACKNET_BLESS=1"
            );
        }
    }
}
