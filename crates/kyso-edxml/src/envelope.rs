//! The envelope of an edXML package: `edXMLEnvelope/edXMLHeader/{MessageHeader,
//! TraceHeaderList, Signature}`, `edXMLBody/edXMLManifest/Reference`, and the encoded
//! attachments (`AttachmentEncoded/Attachment/ContentTransferEncoded`, base64).
//!
//! Elements are matched by local name in the edXML namespace, in no namespace or in the older
//! e-doc one: gateways differ in how they declare it, and what is read here is only displayed
//! or checked against the signatures, never trusted for its own sake.

use serde::Serialize;

use crate::EdxmlError;

/// Namespaces the envelope's elements are accepted in (besides none).
const NAMESPACES: [&str; 2] = [crate::NAMESPACE, "http://www.e-doc.vn/Schema/"];

/// More nodes than this is not an envelope: a bound on the reader's memory.
const MAX_NODES: u32 = 200_000;

/// An agency of the header (`From`, `To`).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Organ {
    /// `OrganId`, the agency identifier.
    pub id: String,
    /// `OrganName`.
    pub name: String,
    /// `OrganizationInCharge`, the agency above it.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub in_charge: String,
}

/// One hop of the package's route (`TraceHeaderList/TraceHeader`).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Trace {
    /// The agency the package passed through.
    pub organ_id: String,
    /// When, as the gateway wrote it.
    pub timestamp: String,
}

/// The fields of `MessageHeader` a clerk reads.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Header {
    /// The sender.
    pub from: Organ,
    /// The receivers.
    pub to: Vec<Organ>,
    /// `DocumentId`.
    pub document_id: String,
    /// `Code/CodeNumber` (the document's number).
    pub code_number: String,
    /// `Code/CodeNotation` (its notation, such as `UBND-VP`).
    pub code_notation: String,
    /// `PromulgationInfo/Place`.
    pub place: String,
    /// `PromulgationInfo/PromulgationDate`.
    pub promulgation_date: String,
    /// `DocumentType/TypeName` (or `Type`).
    pub document_type: String,
    /// `Subject` (trích yếu).
    pub subject: String,
    /// `SignerInfo/FullName`.
    pub signer_name: String,
    /// `SignerInfo/Position`.
    pub signer_position: String,
    /// `TraceHeaderList/TraceHeader`, in order.
    pub trace: Vec<Trace>,
}

impl Header {
    /// Number and notation as documents write them: `12/UBND-VP`.
    pub fn number(&self) -> String {
        match (self.code_number.is_empty(), self.code_notation.is_empty()) {
            (false, false) => format!("{}/{}", self.code_number, self.code_notation),
            (false, true) => self.code_number.clone(),
            (true, false) => self.code_notation.clone(),
            (true, true) => String::new(),
        }
    }
}

/// A `Reference` of the manifest.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ManifestEntry {
    /// `ContentId` or `xlink:href`, without `cid:`.
    pub content_id: String,
    /// `ContentType`.
    pub content_type: String,
    /// `AttachmentName`.
    pub name: String,
}

/// An encoded attachment: where its base64 text lies in the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedAttachment {
    /// `ContentId`, without `cid:`.
    pub content_id: String,
    /// `AttachmentName` (falls back to the manifest's).
    pub name: String,
    /// `ContentType` (falls back to the manifest's).
    pub content_type: String,
    /// Byte range of the base64 text in the package.
    pub text: std::ops::Range<usize>,
}

/// A package read: its header, manifest and attachments, and where its signed parts are.
#[derive(Debug, Clone)]
pub struct Package {
    /// The `MessageHeader` fields.
    pub header: Header,
    /// The manifest's references.
    pub manifest: Vec<ManifestEntry>,
    /// The encoded attachments, in document order.
    pub attachments: Vec<EncodedAttachment>,
    /// Byte offsets where the root, `edXMLEnvelope` and `edXMLHeader` elements start: an XML
    /// signature's reference covers the header when it designates one of these.
    pub anchors: Anchors,
    /// Whether an XML `Signature` element is present anywhere.
    pub has_signature: bool,
}

/// Start offsets of the elements a header signature may designate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Anchors {
    /// The root element.
    pub root: usize,
    /// `edXMLEnvelope`.
    pub envelope: usize,
    /// `edXMLHeader`.
    pub header: usize,
}

type Node<'a, 'i> = roxmltree::Node<'a, 'i>;

fn in_edxml(node: Node) -> bool {
    node.tag_name()
        .namespace()
        .is_none_or(|ns| NAMESPACES.contains(&ns))
}

fn is(node: Node, local: &str) -> bool {
    node.is_element() && node.tag_name().name() == local && in_edxml(node)
}

fn child<'a, 'i>(node: Node<'a, 'i>, local: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| is(*c, local))
}

fn text_of(node: Option<Node>) -> String {
    node.map(|n| {
        n.descendants()
            .filter(|d| d.is_text())
            .filter_map(|d| d.text())
            .collect::<String>()
            .trim()
            .to_owned()
    })
    .unwrap_or_default()
}

fn field(node: Node, path: &[&str]) -> String {
    let mut at = Some(node);
    for p in path {
        at = at.and_then(|n| child(n, p));
    }
    text_of(at)
}

fn strip_cid(s: &str) -> String {
    let s = s.trim();
    s.strip_prefix("cid:").unwrap_or(s).trim().to_owned()
}

/// The single element named `local` in the whole document, or an error when there are several.
fn single<'a, 'i>(
    doc: &'a roxmltree::Document<'i>,
    local: &'static str,
) -> Result<Option<Node<'a, 'i>>, EdxmlError> {
    let mut found = doc.descendants().filter(|n| is(*n, local));
    let first = found.next();
    let more = found.count();
    if more > 0 {
        return Err(EdxmlError::Duplicate {
            element: local,
            count: more + 1,
        });
    }
    Ok(first)
}

fn organ(node: Node) -> Organ {
    Organ {
        id: field(node, &["OrganId"]),
        name: field(node, &["OrganName"]),
        in_charge: field(node, &["OrganizationInCharge"]),
    }
}

impl Package {
    /// Read a package. Only well-formed UTF-8 XML without a DTD is read (no entity can expand,
    /// nothing is fetched); exactly one envelope, header, message header and manifest at most.
    pub fn parse(bytes: &[u8]) -> Result<Self, EdxmlError> {
        let text = std::str::from_utf8(bytes).map_err(|e| EdxmlError::NotUtf8(e.valid_up_to()))?;
        let options = roxmltree::ParsingOptions {
            allow_dtd: false,
            nodes_limit: MAX_NODES,
            ..Default::default()
        };
        let doc = roxmltree::Document::parse_with_options(text, options)
            .map_err(|e| EdxmlError::Xml(e.to_string()))?;
        let envelope = single(&doc, "edXMLEnvelope")?.ok_or(EdxmlError::NotEdxml)?;
        let header_el = single(&doc, "edXMLHeader")?;
        let message = single(&doc, "MessageHeader")?;
        let manifest_el = single(&doc, "edXMLManifest")?;
        single(&doc, "TraceHeaderList")?;

        let mut header = Header::default();
        if let Some(m) = message {
            header.from = child(m, "From").map(organ).unwrap_or_default();
            header.to = m.children().filter(|c| is(*c, "To")).map(organ).collect();
            header.document_id = field(m, &["DocumentId"]);
            header.code_number = field(m, &["Code", "CodeNumber"]);
            header.code_notation = field(m, &["Code", "CodeNotation"]);
            header.place = field(m, &["PromulgationInfo", "Place"]);
            header.promulgation_date = field(m, &["PromulgationInfo", "PromulgationDate"]);
            header.document_type = match field(m, &["DocumentType", "TypeName"]) {
                t if t.is_empty() => field(m, &["DocumentType", "Type"]),
                t => t,
            };
            header.subject = field(m, &["Subject"]);
            header.signer_name = field(m, &["SignerInfo", "FullName"]);
            header.signer_position = field(m, &["SignerInfo", "Position"]);
        }
        if let Some(list) = doc.descendants().find(|n| is(*n, "TraceHeaderList")) {
            header.trace = list
                .children()
                .filter(|c| is(*c, "TraceHeader"))
                .map(|t| Trace {
                    organ_id: field(t, &["OrganId"]),
                    timestamp: field(t, &["Timestamp"]),
                })
                .collect();
        }

        let manifest: Vec<ManifestEntry> = manifest_el
            .map(|m| {
                m.children()
                    .filter(|c| is(*c, "Reference"))
                    .map(|r| {
                        let href = r
                            .attributes()
                            .find(|a| a.name() == "href")
                            .map(|a| a.value().to_owned())
                            .unwrap_or_default();
                        let id = match field(r, &["ContentId"]) {
                            id if id.is_empty() => href,
                            id => id,
                        };
                        ManifestEntry {
                            content_id: strip_cid(&id),
                            content_type: field(r, &["ContentType"]),
                            name: field(r, &["AttachmentName"]),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();

        let mut attachments = Vec::new();
        for a in doc.descendants().filter(|n| is(*n, "Attachment")) {
            let Some(encoded) = child(a, "ContentTransferEncoded") else {
                continue;
            };
            let content_id = strip_cid(&field(a, &["ContentId"]));
            let listed = manifest.iter().find(|m| m.content_id == content_id);
            let or_listed = |own: String, pick: fn(&ManifestEntry) -> &String| {
                if own.is_empty() {
                    listed.map(|m| pick(m).clone()).unwrap_or_default()
                } else {
                    own
                }
            };
            // The base64 text's span: the element's content (between its tags).
            let text = match (encoded.first_child(), encoded.last_child()) {
                (Some(first), Some(last)) => first.range().start..last.range().end,
                _ => encoded.range().end..encoded.range().end,
            };
            if encoded.children().any(|c| c.is_element()) {
                return Err(EdxmlError::Xml(
                    "an attachment's encoded content holds elements".into(),
                ));
            }
            attachments.push(EncodedAttachment {
                name: or_listed(field(a, &["AttachmentName"]), |m| &m.name),
                content_type: or_listed(field(a, &["ContentType"]), |m| &m.content_type),
                content_id,
                text,
            });
        }

        let root = doc.root_element();
        let anchors = Anchors {
            root: root.range().start,
            envelope: envelope.range().start,
            header: header_el.map_or(usize::MAX, |h| h.range().start),
        };
        let has_signature = doc.descendants().any(|n| {
            n.is_element()
                && n.tag_name().name() == "Signature"
                && n.tag_name().namespace() == Some(crate::xmldsig::DSIG_NS)
        });
        Ok(Self {
            header,
            manifest,
            attachments,
            anchors,
            has_signature,
        })
    }
}
