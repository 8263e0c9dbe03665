//! Finding PKCS#11 objects and reading their attributes: private keys by label or id,
//! their public keys, certificates paired by `CKA_ID`.

use std::collections::BTreeMap;

use const_oid::ObjectIdentifier;
use cryptoki::error::Error as CkError;
use cryptoki::object::{
    Attribute, AttributeType, CertificateType, KeyType as CkKeyType, ObjectClass, ObjectHandle,
};
use cryptoki::session::Session;
use der::Decode;
use x509_cert::Certificate;

use super::{KeyEntry, KeySelector, KeyType};
use crate::TokenError;
use crate::keys::{PublicKey, curve_field_len, curve_key_type};

pub(super) fn ck(context: &'static str) -> impl Fn(CkError) -> TokenError {
    move |e| TokenError::from_cryptoki(context, e)
}

/// Attributes of one object, by type.
pub(super) struct Attrs(Vec<Attribute>);

impl Attrs {
    pub(super) fn read(
        s: &Session,
        h: ObjectHandle,
        types: &[AttributeType],
    ) -> Result<Self, TokenError> {
        s.get_attributes(h, types)
            .map(Self)
            .map_err(ck("reading object attributes"))
    }
    pub(super) fn id(&self) -> Vec<u8> {
        self.0
            .iter()
            .find_map(|a| match a {
                Attribute::Id(v) => Some(v.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }
    pub(super) fn label(&self) -> String {
        self.0
            .iter()
            .find_map(|a| match a {
                Attribute::Label(v) => Some(String::from_utf8_lossy(v).into_owned()),
                _ => None,
            })
            .unwrap_or_default()
    }
    pub(super) fn key_type(&self) -> Option<CkKeyType> {
        self.0.iter().find_map(|a| match a {
            Attribute::KeyType(k) => Some(*k),
            _ => None,
        })
    }
    pub(super) fn bytes(&self, t: AttributeType) -> Option<&[u8]> {
        self.0.iter().find_map(|a| match (a, t) {
            (Attribute::Modulus(v), AttributeType::Modulus)
            | (Attribute::PublicExponent(v), AttributeType::PublicExponent)
            | (Attribute::EcParams(v), AttributeType::EcParams)
            | (Attribute::EcPoint(v), AttributeType::EcPoint)
            | (Attribute::Value(v), AttributeType::Value) => Some(v.as_slice()),
            _ => None,
        })
    }
    /// The public key, when these attributes carry it.
    pub(super) fn public_key(&self) -> Option<PublicKey> {
        let kt = self.key_type()?;
        if kt == CkKeyType::RSA {
            Some(PublicKey::rsa(
                self.bytes(AttributeType::Modulus)?,
                self.bytes(AttributeType::PublicExponent)?,
            ))
        } else if kt == CkKeyType::EC {
            PublicKey::ec_from_token(
                self.bytes(AttributeType::EcParams)?,
                self.bytes(AttributeType::EcPoint)?,
            )
            .ok()
        } else {
            None
        }
    }
}

pub(super) const KEY_ATTRS: [AttributeType; 7] = [
    AttributeType::Id,
    AttributeType::Label,
    AttributeType::KeyType,
    AttributeType::Modulus,
    AttributeType::PublicExponent,
    AttributeType::EcParams,
    AttributeType::EcPoint,
];

pub(super) fn find(s: &Session, template: &[Attribute]) -> Result<Vec<ObjectHandle>, TokenError> {
    s.find_objects(template).map_err(ck("finding objects"))
}

pub(super) fn certificate_by_id(s: &Session, id: &[u8]) -> Result<Option<Certificate>, TokenError> {
    let handles = find(
        s,
        &[
            Attribute::Class(ObjectClass::CERTIFICATE),
            Attribute::CertificateType(CertificateType::X_509),
            Attribute::Id(id.to_vec()),
        ],
    )?;
    for h in handles {
        let a = Attrs::read(s, h, &[AttributeType::Value])?;
        if let Some(der) = a.bytes(AttributeType::Value) {
            // A compressed or vendor-encoded object is not a certificate we can use; the
            // caller may supply one from a file instead.
            if let Ok(cert) = Certificate::from_der(der) {
                return Ok(Some(cert));
            }
        }
    }
    Ok(None)
}

/// Every X.509 certificate object on the token that decodes (the signer's, and the issuing
/// CAs' that VGCA tokens also hold).
pub(super) fn all_certificates(s: &Session) -> Result<Vec<Certificate>, TokenError> {
    Ok(certificate_objects(s, &[])?
        .into_iter()
        .map(|(_, cert)| cert)
        .collect())
}

/// The X.509 certificate objects that decode, with their value and the `extra` attributes
/// (a compressed or vendor-encoded object is left out: a file can supply that certificate).
fn certificate_objects(
    s: &Session,
    extra: &[AttributeType],
) -> Result<Vec<(Attrs, Certificate)>, TokenError> {
    let template = [
        Attribute::Class(ObjectClass::CERTIFICATE),
        Attribute::CertificateType(CertificateType::X_509),
    ];
    let mut wanted = vec![AttributeType::Value];
    wanted.extend_from_slice(extra);
    let mut out = Vec::new();
    for h in find(s, &template)? {
        let a = Attrs::read(s, h, &wanted)?;
        if let Some(cert) = a
            .bytes(AttributeType::Value)
            .and_then(|der| Certificate::from_der(der).ok())
        {
            out.push((a, cert));
        }
    }
    Ok(out)
}

pub(super) fn find_private_key(
    s: &Session,
    selector: &KeySelector,
) -> Result<(ObjectHandle, Vec<u8>, String), TokenError> {
    let mut template = vec![Attribute::Class(ObjectClass::PRIVATE_KEY)];
    template.push(match selector {
        KeySelector::Label(l) => Attribute::Label(l.as_bytes().to_vec()),
        KeySelector::Id(id) => Attribute::Id(id.clone()),
    });
    let handles = find(s, &template)?;
    match handles.as_slice() {
        [] => Err(TokenError::KeyNotFound {
            selector: selector.to_string(),
        }),
        [h] => {
            let a = Attrs::read(s, *h, &[AttributeType::Id, AttributeType::Label])?;
            Ok((*h, a.id(), a.label()))
        }
        many => Err(TokenError::AmbiguousKey {
            selector: selector.to_string(),
            count: many.len(),
        }),
    }
}

/// The public key of a private key: from its own attributes (RSA), else from the public key
/// object with the same `CKA_ID`, else from the certificate object with that id.
pub(super) fn public_key_of(
    s: &Session,
    private: ObjectHandle,
    id: &[u8],
) -> Result<Option<PublicKey>, TokenError> {
    if let Some(pk) = Attrs::read(s, private, &KEY_ATTRS)?.public_key() {
        return Ok(Some(pk));
    }
    let publics = find(
        s,
        &[
            Attribute::Class(ObjectClass::PUBLIC_KEY),
            Attribute::Id(id.to_vec()),
        ],
    )?;
    for h in publics {
        if let Some(pk) = Attrs::read(s, h, &KEY_ATTRS)?.public_key() {
            return Ok(Some(pk));
        }
    }
    match certificate_by_id(s, id)? {
        Some(cert) => Ok(Some(PublicKey::from_certificate(&cert)?)),
        None => Ok(None),
    }
}

pub(super) fn ck_key_type(a: Option<&Attrs>, pk: Option<&PublicKey>) -> (KeyType, Option<usize>) {
    if let Some(pk) = pk {
        let (t, bits) = pk.key_type();
        return (t, Some(bits));
    }
    match a.and_then(Attrs::key_type) {
        Some(k) if k == CkKeyType::RSA => (KeyType::Rsa, None),
        // An EC private key has its curve but no point.
        Some(k) if k == CkKeyType::EC => a
            .and_then(|a| a.bytes(AttributeType::EcParams))
            .and_then(|p| ObjectIdentifier::from_der(p).ok())
            .map_or((KeyType::EcOther, None), |c| {
                let bits = curve_field_len(&c).map(|f| f * 8);
                (curve_key_type(&c), bits)
            }),
        _ => (KeyType::Other, None),
    }
}

pub(super) fn list_keys(s: &Session) -> Result<Vec<KeyEntry>, TokenError> {
    // Keyed by CKA_ID; BTreeMap for a stable order.
    let mut entries: BTreeMap<Vec<u8>, KeyEntry> = BTreeMap::new();
    for (class, private) in [
        (ObjectClass::PRIVATE_KEY, true),
        (ObjectClass::PUBLIC_KEY, false),
    ] {
        for h in find(s, &[Attribute::Class(class)])? {
            let a = Attrs::read(s, h, &KEY_ATTRS)?;
            let pk = a.public_key();
            let entry = key_entry(&mut entries, &a, ck_key_type(Some(&a), pk.as_ref()));
            if private {
                entry.has_private_key = true;
                entry.label = a.label();
            }
        }
    }
    for (a, cert) in certificate_objects(s, &[AttributeType::Id, AttributeType::Label])? {
        let pk = PublicKey::from_certificate(&cert).ok();
        key_entry(&mut entries, &a, ck_key_type(None, pk.as_ref())).certificate = Some(cert);
    }
    Ok(entries.into_values().collect())
}

/// The entry for the object's CKA_ID (made on first sight), its key type and size filled in
/// when an earlier object of the same id did not give them.
fn key_entry<'a>(
    entries: &'a mut BTreeMap<Vec<u8>, KeyEntry>,
    a: &Attrs,
    (key_type, key_bits): (KeyType, Option<usize>),
) -> &'a mut KeyEntry {
    let id = a.id();
    let entry = entries.entry(id.clone()).or_insert_with(|| KeyEntry {
        label: a.label(),
        id: hex::encode(&id),
        key_type,
        key_bits,
        certificate: None,
        has_private_key: false,
    });
    if entry.key_bits.is_none() {
        entry.key_type = key_type;
        entry.key_bits = key_bits;
    }
    entry
}
