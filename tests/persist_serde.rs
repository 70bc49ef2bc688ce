//! serde (feature `serde`): a network as its signature and flat parameters,
//! round-tripped through JSON bit for bit; wrong shapes, counts and values
//! are refused. Run with `cargo test --features serde --test persist_serde`.
#![cfg(feature = "serde")]

mod common;

use common::{AllLayers, Housing, bits};
use stacknet::persist::{Flat, flat};
use stacknet::prelude::*;

fn trained() -> Housing {
    let mut rng = XorShiftRng::seed_from_u64(11);
    let mut net = Housing::random(Init::HeNormal, &mut rng);
    net.0.biases = [0.1, -0.0, 1e-30, f32::MIN_POSITIVE / 4.0];
    net.4.biases = [f32::MAX];
    net
}

#[test]
fn json_round_trips_bit_for_bit() {
    let net = trained();
    let json = serde_json::to_string(&Flat(net)).unwrap();
    assert!(json.starts_with(&format!(
        r#"{{"signature":{},"params":["#,
        Housing::SIGNATURE
    )));
    let back: Flat<Housing> = serde_json::from_str(&json).unwrap();
    assert_eq!(bits(&back.0), bits(&net));
    for x in [[0.0, 0.0], [1.5, -2.25], [-7.0, 3.0]] {
        assert_eq!(
            back.0.forward(&x)[0].to_bits(),
            net.forward(&x)[0].to_bits()
        );
    }
}

#[test]
fn json_value_has_the_documented_shape() {
    let layer = Dense::from_arrays([[1.0, 2.0], [3.0, 4.0]], [5.0, 6.0]);
    let value = serde_json::to_value(Flat(layer)).unwrap();
    assert_eq!(
        value,
        serde_json::json!({
            "signature": Dense::<2, 2>::SIGNATURE,
            "params": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        })
    );
}

#[test]
fn every_layer_type_round_trips() {
    let mut rng = XorShiftRng::seed_from_u64(12);
    let mut net = AllLayers::random(Init::XavierNormal, &mut rng);
    net.9.biases = [0.25, -0.5];
    let json = serde_json::to_string(&Flat(net)).unwrap();
    let back: Flat<AllLayers> = serde_json::from_str(&json).unwrap();
    assert_eq!(back.0, net);
}

#[test]
fn works_as_a_field_of_a_users_type() {
    struct Model {
        name: String,
        net: Housing,
    }
    // What `#[serde(with = "stacknet::persist::flat")]` expands to, by hand.
    let model = Model {
        name: "houses".into(),
        net: trained(),
    };
    let mut out = serde_json::Serializer::new(Vec::new());
    flat::serialize(&model.net, &mut out).unwrap();
    let text = String::from_utf8(out.into_inner()).unwrap();
    let back: Housing = flat::deserialize(&mut serde_json::Deserializer::from_str(&text)).unwrap();
    assert_eq!(model.name, "houses");
    assert_eq!(bits(&back), bits(&model.net));
}

#[test]
fn fields_may_come_in_any_order_and_as_a_sequence() {
    let sig = Dense::<1, 1>::SIGNATURE;
    let reordered = format!(r#"{{"params":[2.5,-1.0],"signature":{sig}}}"#);
    let back: Flat<Dense<1, 1>> = serde_json::from_str(&reordered).unwrap();
    assert_eq!(back.0, Dense::from_arrays([[2.5]], [-1.0]));
    let as_seq = format!("[{sig},[2.5,-1.0]]");
    let back: Flat<Dense<1, 1>> = serde_json::from_str(&as_seq).unwrap();
    assert_eq!(back.0, Dense::from_arrays([[2.5]], [-1.0]));
}

#[test]
fn wrong_shapes_counts_and_values_are_refused() {
    let from = |json: &str| serde_json::from_str::<Flat<Dense<1, 1>>>(json).map(|f| f.0);
    let sig = Dense::<1, 1>::SIGNATURE;

    let other = serde_json::to_string(&Flat(Relu::<2>)).unwrap();
    let err = from(&other).unwrap_err().to_string();
    assert!(err.contains("another network shape"), "{err}");

    let err = from(&format!(r#"{{"signature":{sig},"params":[1.0]}}"#)).unwrap_err();
    assert!(err.to_string().contains("expected 2 parameters"), "{err}");
    let err = from(&format!(r#"{{"signature":{sig},"params":[1.0,2.0,3.0]}}"#)).unwrap_err();
    assert!(err.to_string().contains("invalid length 3"), "{err}");
    let err = from(&format!(r#"{{"signature":{sig},"params":[1.0,1e39]}}"#)).unwrap_err();
    assert!(
        err.to_string().contains("parameter 1 is not finite"),
        "{err}"
    );
    let err = from(r#"{"params":[1.0,2.0]}"#).unwrap_err();
    assert!(
        err.to_string().contains("missing field `signature`"),
        "{err}"
    );
    let err = from(&format!(r#"{{"signature":{sig}}}"#)).unwrap_err();
    assert!(err.to_string().contains("missing field `params`"), "{err}");
    let err = from(&format!(r#"{{"signature":{sig},"params":[1,2],"bias":0}}"#)).unwrap_err();
    assert!(err.to_string().contains("unknown field `bias`"), "{err}");
}

#[test]
fn non_finite_parameters_are_not_serialised() {
    let layer = Dense::<1, 1>::from_arrays([[f32::NAN]], [0.0]);
    let err = serde_json::to_string(&Flat(layer)).unwrap_err();
    assert!(
        err.to_string().contains("parameter 0 is not finite"),
        "{err}"
    );
}
