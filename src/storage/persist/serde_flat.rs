//! serde support (feature `serde`): a network as its signature and a flat
//! list of parameters.

use core::fmt;
use core::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{Error as _, SerializeSeq, SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use super::{LoadError, SaveError, values};
use crate::model::layer::Layer;
use crate::model::params::Params;

/// A network wrapped for serde (feature `serde`).
///
/// It serialises as a struct with two fields: `signature`, the network's
/// [`Layer::SIGNATURE`], and `params`, every parameter in [`Params`] order
/// (the order of the binary format). Deserialising checks the signature,
/// the count and that every value is finite. Hyperparameters such as
/// [`LeakyRelu`](crate::model::layers::LeakyRelu)'s slope are not stored: a deserialised
/// network has those of [`Zero::ZERO`](crate::model::params::Zero::ZERO).
///
/// The signature is the 32-bit hash of version-1 binary records, and hashes
/// collide (see the [persist docs](super#version-1)): unlike a binary
/// record, this form cannot tell every two shapes apart.
///
/// ```
/// use stacknet::persist::Flat;
/// use stacknet::Dense;
/// let layer = Flat(Dense::from_arrays([[1.5, -2.0]], [0.25]));
/// let json = serde_json::to_string(&layer).unwrap();
/// assert_eq!(
///     json,
///     format!(r#"{{"signature":{},"params":[1.5,-2.0,0.25]}}"#, {
///         use stacknet::Layer;
///         Dense::<2, 1>::SIGNATURE
///     })
/// );
/// let back: Flat<Dense<2, 1>> = serde_json::from_str(&json).unwrap();
/// assert_eq!(back, layer);
/// ```
///
/// Inside your own derived types, use [`flat`] with `#[serde(with = ...)]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Flat<N>(pub N);

impl<N: Layer> Serialize for Flat<N> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        flat::serialize(&self.0, serializer)
    }
}

impl<'de, N: Layer> Deserialize<'de> for Flat<N> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        flat::deserialize(deserializer).map(Flat)
    }
}

/// The functions behind [`Flat`], for a network field of a derived type:
/// mark the field `#[serde(with = "stacknet::persist::flat")]`. They can
/// also be called directly:
///
/// ```
/// use stacknet::persist::flat;
/// use stacknet::{Dense, Relu};
/// type Net = (Dense<1, 2>, Relu<2>);
/// let net: Net = (Dense::from_arrays([[1.0], [-1.0]], [0.5, 0.0]), Relu);
///
/// let mut json = serde_json::Serializer::new(Vec::new());
/// flat::serialize(&net, &mut json).unwrap();
/// let text = String::from_utf8(json.into_inner()).unwrap();
///
/// let back: Net = flat::deserialize(&mut serde_json::Deserializer::from_str(&text)).unwrap();
/// assert_eq!(back, net);
/// ```
pub mod flat {
    use super::*;

    /// Serialises `net` as `{ signature, params }`; a non-finite parameter
    /// is an error.
    pub fn serialize<N: Layer, S: Serializer>(net: &N, serializer: S) -> Result<S::Ok, S::Error> {
        if let Some(index) = values(net).position(|p| !p.is_finite()) {
            return Err(S::Error::custom(SaveError::NonFinite { index }));
        }
        let mut s = serializer.serialize_struct("Network", 2)?;
        s.serialize_field("signature", &N::SIGNATURE)?;
        s.serialize_field("params", &ParamSeq(net))?;
        s.end()
    }

    /// Deserialises a network written by [`serialize`], refusing another
    /// signature, another parameter count or a non-finite value.
    pub fn deserialize<'de, N: Layer, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<N, D::Error> {
        deserializer.deserialize_struct("Network", FIELDS, NetVisitor(PhantomData))
    }
}

const FIELDS: &[&str] = &["signature", "params"];

/// The parameters as a sequence, without copying them anywhere.
struct ParamSeq<'a, N>(&'a N);

impl<N: Params> Serialize for ParamSeq<'_, N> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(N::NUM_PARAMS))?;
        for p in values(self.0) {
            seq.serialize_element(&p)?;
        }
        seq.end()
    }
}

enum Field {
    Signature,
    Params,
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldVisitor;
        impl Visitor<'_> for FieldVisitor {
            type Value = Field;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("`signature` or `params`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Field, E> {
                match v {
                    "signature" => Ok(Field::Signature),
                    "params" => Ok(Field::Params),
                    _ => Err(E::unknown_field(v, FIELDS)),
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Field, E> {
                match v {
                    0 => Ok(Field::Signature),
                    1 => Ok(Field::Params),
                    _ => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
                }
            }
        }
        deserializer.deserialize_identifier(FieldVisitor)
    }
}

struct NetVisitor<N>(PhantomData<N>);

impl<N: Layer> NetVisitor<N> {
    fn check_signature<E: de::Error>(found: u32) -> Result<(), E> {
        if found == N::SIGNATURE {
            Ok(())
        } else {
            Err(E::custom(LoadError::SignatureMismatch {
                expected: N::SIGNATURE,
                found,
            }))
        }
    }
}

impl<'de, N: Layer> Visitor<'de> for NetVisitor<N> {
    type Value = N;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a stacknet network: its signature and parameters")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<N, A::Error> {
        let signature: u32 = seq
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(0, &self))?;
        Self::check_signature(signature)?;
        let mut net = N::ZERO;
        seq.next_element_seed(ParamFill(&mut net))?
            .ok_or_else(|| de::Error::invalid_length(1, &self))?;
        Ok(net)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<N, A::Error> {
        let mut net = N::ZERO;
        let (mut signature, mut params) = (None, false);
        while let Some(key) = map.next_key()? {
            match key {
                Field::Signature if signature.is_some() => {
                    return Err(de::Error::duplicate_field("signature"));
                }
                Field::Signature => {
                    let found: u32 = map.next_value()?;
                    Self::check_signature(found)?;
                    signature = Some(found);
                }
                Field::Params if params => return Err(de::Error::duplicate_field("params")),
                Field::Params => {
                    map.next_value_seed(ParamFill(&mut net))?;
                    params = true;
                }
            }
        }
        if signature.is_none() {
            return Err(de::Error::missing_field("signature"));
        }
        if !params {
            return Err(de::Error::missing_field("params"));
        }
        Ok(net)
    }
}

/// Reads a sequence of exactly `NUM_PARAMS` finite numbers into a network.
struct ParamFill<'a, N>(&'a mut N);

impl<'de, N: Params> DeserializeSeed<'de> for ParamFill<'_, N> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, N: Params> Visitor<'de> for ParamFill<'_, N> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a sequence of {} finite numbers", N::NUM_PARAMS)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        for k in 0..N::NUM_BLOCKS {
            for p in self.0.block_mut(k) {
                let v: f32 = match seq.next_element()? {
                    Some(v) => v,
                    None => {
                        return Err(de::Error::invalid_length(
                            index,
                            &ParamCount::<N>(PhantomData),
                        ));
                    }
                };
                if !v.is_finite() {
                    return Err(de::Error::custom(LoadError::NonFinite { index }));
                }
                *p = v;
                index += 1;
            }
        }
        if seq.next_element::<IgnoredAny>()?.is_some() {
            let mut extra = 1;
            while seq.next_element::<IgnoredAny>()?.is_some() {
                extra += 1;
            }
            return Err(de::Error::invalid_length(
                index + extra,
                &ParamCount::<N>(PhantomData),
            ));
        }
        Ok(())
    }
}

/// "Expected" text for a wrong number of parameters.
struct ParamCount<N>(PhantomData<N>);

impl<N: Params> de::Expected for ParamCount<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} parameters", N::NUM_PARAMS)
    }
}
