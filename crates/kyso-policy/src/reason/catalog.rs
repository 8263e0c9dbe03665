//! The reason catalog: every finding kyso reports, keyed by its code, with its severity, its
//! named parameters and its Vietnamese and English texts side by side.
//!
//! An entry reads `Variant { params }: Severity "CODE" vi: "…" en: "…";`. A code has several
//! entries when the same finding is worded for different checks (the variant then starts with
//! the code, in CamelCase, and says where it is used). `{param}` in a text is filled with the
//! parameter as written in that language ([`Param`]); a parameter may appear in
//! one text only. The [`Term`] entries at the end are the words and phrases that fill
//! parameters (roles, kinds of certificate…).
//!
//! The texts are what reports have always said: changing one changes every report that
//! carries it. A test checks that every entry has both texts, that every parameter appears in
//! a text, and that every entry is used in the workspace's sources.

use super::define::{messages, terms};
use super::{Param, Reason};
use crate::revocation::CrlReason;

messages! {
    // ── The document (kyso-verify, pades/document.rs) ──────────────────────────────────────
    /// Entries of the DSS that could not be read or are too large.
    DssEntryUnreadable { count }: Warning "DSS_ENTRY_UNREADABLE"
        vi: "{count} mục trong kho dữ liệu xác thực (DSS) không đọc được hoặc vượt giới hạn kích thước, đã bỏ qua"
        en: "{count} entries of the document security store (DSS) are unreadable or over the size bound and were ignored";
    /// A file that could not be read as a PDF at all (the refusal notice of kyso::refusal).
    DocumentUnreadable { code, error }: Error "DOCUMENT_UNREADABLE"
        vi: "Tệp không đọc được như một văn bản PDF (lỗi {code}): {error}"
        en: "The file cannot be read as a PDF document (error {code}): {error}";
    /// The cross-reference table had to be rebuilt.
    PdfXrefRepaired {}: Warning "PDF_XREF_REPAIRED"
        vi: "Bảng tham chiếu chéo của tệp PDF bị hỏng và đã được dựng lại khi đọc"
        en: "The PDF's cross-reference data was damaged and had to be rebuilt when reading";
    /// A /ByteRange that no signature field refers to.
    UnreferencedSignature {}: Error "UNREFERENCED_SIGNATURE"
        vi: "Tệp có dữ liệu chữ ký nhưng không gắn với trường chữ ký nào của tài liệu"
        en: "The file holds signature data that no signature field of the document refers to";
    /// An encrypted document whose fields could not be read.
    EncryptedUnsupported {}: Error "ENCRYPTED_UNSUPPORTED"
        vi: "Tài liệu được mã hóa; không đọc được các trường chữ ký"
        en: "The document is encrypted; its signature fields could not be read";
    /// No signature at all.
    NoSignatures {}: Error "NO_SIGNATURES"
        vi: "Tài liệu không có chữ ký số"
        en: "The document carries no digital signature";

    // ── Coverage and changes after signing (pades/integrity.rs, pades/modifications.rs) ────
    /// The byte ranges leave a gap that is not the signature value (`reason`: kyso-pdf's).
    ByteRangeInvalidGap { reason }: Error "BYTE_RANGE_INVALID"
        vi: "Phạm vi dữ liệu được ký (/ByteRange) không hợp lệ: khoảng trống không đúng là giá trị chữ ký"
        en: "The signed byte range (/ByteRange) is invalid: {reason}";
    /// The signed data does not end at the end of a revision.
    ByteRangeInvalidRevision { reason }: Error "BYTE_RANGE_INVALID"
        vi: "Phạm vi dữ liệu được ký (/ByteRange) không hợp lệ: dữ liệu được ký không kết thúc ở cuối một phiên bản tài liệu"
        en: "The signed byte range (/ByteRange) is invalid: {reason}";
    /// The byte ranges are malformed or outside the file.
    ByteRangeInvalidStructure { reason }: Error "BYTE_RANGE_INVALID"
        vi: "Phạm vi dữ liệu được ký (/ByteRange) không hợp lệ: phạm vi sai cấu trúc hoặc nằm ngoài tệp"
        en: "The signed byte range (/ByteRange) is invalid: {reason}";
    /// Form fields the signature locks were changed.
    LockedFieldModified { names }: Error "LOCKED_FIELD_MODIFIED"
        vi: "Trường biểu mẫu đã bị chữ ký này khóa lại bị thay đổi sau khi ký: {names}"
        en: "Form fields locked by this signature were changed after signing: {names}";
    /// Changes beyond what the signature permits (`count` of them, the first listed in `changes`).
    ModifiedAfterSigning { count, changes }: Error "MODIFIED_AFTER_SIGNING"
        vi: "Tài liệu đã bị sửa đổi sau khi ký, vượt quá những thay đổi được phép ({count} thay đổi không được phép)"
        en: "The document was modified after signing beyond what is permitted: {changes}";
    /// Only permitted changes (up to `level`).
    PermittedChangesAfterSigning { level }: Info "PERMITTED_CHANGES_AFTER_SIGNING"
        vi: "Sau chữ ký này tài liệu chỉ có các thay đổi được phép (thêm chữ ký, dữ liệu kiểm tra hiệu lực, điền biểu mẫu)"
        en: "After this signature only permitted changes were made ({level})";
    /// The signed revision could not be compared.
    RevisionUnreadable { error }: Error "REVISION_UNREADABLE"
        vi: "Không đọc được phiên bản tài liệu đã ký để so sánh các thay đổi"
        en: "The signed revision could not be read to compare changes: {error}";

    // ── A CMS signature of the document (pades/cms_signature.rs) ───────────────────────────
    /// A /SubFilter other than CAdES or PKCS#7 detached.
    UnsupportedSubfilter { sub_filter }: Error "UNSUPPORTED_SUBFILTER"
        vi: "Định dạng chữ ký /SubFilter {sub_filter} không được hỗ trợ"
        en: "Signature format /SubFilter {sub_filter} is not supported";
    /// adbe.pkcs7.sha1.
    UnsupportedSubfilterSha1 {}: Error "UNSUPPORTED_SUBFILTER"
        vi: "Định dạng adbe.pkcs7.sha1 (ký trên giá trị băm SHA-1 nhúng) không được chấp nhận"
        en: "The adbe.pkcs7.sha1 format (signature over an embedded SHA-1 hash) is not accepted";
    /// The CMS could not be read.
    CmsMalformed { error }: Error "CMS_MALFORMED"
        vi: "Dữ liệu chữ ký (CMS) bị hỏng hoặc không đúng định dạng"
        en: "The signature data (CMS) is malformed: {error}";
    /// The CMS embeds content instead of being detached.
    CmsNotDetached {}: Error "CMS_NOT_DETACHED"
        vi: "Chữ ký chứa sẵn nội dung khác thay vì ký tách rời trên tài liệu này"
        en: "The signature embeds its own content instead of signing this document detached";
    /// No signer's certificate in a PDF signature.
    NoSigningCertificateFound {}: Error "NO_SIGNING_CERTIFICATE_FOUND"
        vi: "Không tìm thấy chứng thư số của người ký trong chữ ký"
        en: "The signer's certificate is not in the signature";
    /// The document's digest differs from the signed one.
    HashFailure {}: Error "HASH_FAILURE"
        vi: "Nội dung tài liệu đã bị thay đổi: giá trị băm không khớp với chữ ký"
        en: "The document content was changed: its digest does not match the signed digest";
    /// The signature value does not verify.
    SigCryptoFailure {}: Error "SIG_CRYPTO_FAILURE"
        vi: "Giá trị chữ ký không khớp với khóa công khai của người ký"
        en: "The signature value does not verify with the signer's public key";
    /// The claimed signing time is `minutes` away from the time-stamp.
    SigningTimeMismatch { minutes }: Warning "SIGNING_TIME_MISMATCH"
        vi: "Thời gian ký do máy người ký ghi lệch {minutes} phút so với dấu thời gian; dùng thời gian của dấu thời gian"
        en: "The signing time claimed by the signer's computer differs from the time-stamp by {minutes} minutes; the time-stamp's time is used";
    /// The chain is not valid, with no more precise finding.
    ChainInvalid {}: Error "CHAIN_INVALID"
        vi: "Chuỗi chứng thư số của người ký không hợp lệ"
        en: "The signer's certificate chain is not valid";
    /// The claimed signing time is outside the certificate's validity.
    SignedOutsideValidity {}: Error "SIGNED_OUTSIDE_VALIDITY"
        vi: "Thời gian ký nằm ngoài thời hạn hiệu lực của chứng thư số"
        en: "The claimed signing time is outside the certificate's validity period";
    /// The DSS does not cover this signature.
    LtvDataIncomplete {}: Info "LTV_DATA_INCOMPLETE"
        vi: "Kho dữ liệu xác thực (DSS) của tài liệu không đủ chuỗi chứng thư và dữ liệu thu hồi cho chữ ký này; mức B-T"
        en: "The document's security store (DSS) lacks the chain or revocation data for this signature; level B-T";

    // ── Time-stamps of a PDF (pades/timestamps.rs) ──────────────────────────────────────────
    /// The TSA was revoked before genTime.
    TimestampTsaRevoked {}: Warning "TIMESTAMP_TSA_REVOKED"
        vi: "Chứng thư số của đơn vị cấp dấu thời gian đã bị thu hồi trước thời điểm cấp dấu thời gian"
        en: "The time-stamping authority's certificate was revoked before the time-stamp was issued";
    /// The TSA's revocation status is unknown.
    TimestampTsaRevocationUnknown {}: Info "TIMESTAMP_TSA_REVOCATION_UNKNOWN"
        vi: "Chưa xác định được tình trạng thu hồi chứng thư số của đơn vị cấp dấu thời gian"
        en: "The revocation status of the time-stamping authority's certificate could not be established";
    /// The TSA certificate has expired and no later document time-stamp covers it.
    TimestampTsaExpired {}: Info "TIMESTAMP_TSA_EXPIRED"
        vi: "Chứng thư số của đơn vị cấp dấu thời gian đã hết hạn; dấu thời gian được chấp nhận tại thời điểm cấp (tài liệu không có dấu thời gian tài liệu nào sau đó để chứng minh)"
        en: "The time-stamping authority's certificate has expired since; the time-stamp is accepted at its own time (no later document time-stamp proves it existed before)";
    /// The signature time-stamp does not verify.
    TimestampInvalid {}: Error "TIMESTAMP_INVALID"
        vi: "Dấu thời gian của chữ ký không hợp lệ (chữ ký hoặc giá trị băm không khớp)"
        en: "The signature time-stamp is invalid (its signature or message imprint does not match)";
    /// The signature time-stamp's TSA is not trusted.
    TimestampUntrusted {}: Warning "TIMESTAMP_UNTRUSTED"
        vi: "Dấu thời gian không xác minh được đến nhà cung cấp dịch vụ cấp dấu thời gian tin cậy; thời gian ký chưa được chứng minh"
        en: "The time-stamp does not chain to a trusted time-stamping authority; the signing time is not proven";
    /// The signature time-stamp could not be read.
    TimestampMalformed { error }: Error "TIMESTAMP_MALFORMED"
        vi: "Dấu thời gian của chữ ký bị hỏng"
        en: "The signature time-stamp is malformed: {error}";
    /// The document time-stamp's TSA is not trusted.
    TimestampUntrustedDocument {}: Error "TIMESTAMP_UNTRUSTED"
        vi: "Dấu thời gian tài liệu không xác minh được đến nhà cung cấp dịch vụ tin cậy"
        en: "The document time-stamp does not chain to a trusted time-stamping authority";
    /// The document differs from what the document time-stamp covers.
    HashFailureDocumentTimestamp {}: Error "HASH_FAILURE"
        vi: "Nội dung tài liệu không khớp với dấu thời gian tài liệu"
        en: "The document content does not match the document time-stamp";
    /// The document time-stamp's signature does not verify.
    SigCryptoFailureDocumentTimestamp {}: Error "SIG_CRYPTO_FAILURE"
        vi: "Chữ ký của dấu thời gian tài liệu không hợp lệ"
        en: "The document time-stamp's signature is invalid";
    /// The document time-stamp could not be read.
    TimestampMalformedDocument { error }: Error "TIMESTAMP_MALFORMED"
        vi: "Dấu thời gian tài liệu bị hỏng"
        en: "The document time-stamp is malformed: {error}";
    /// The token's signingCertificate does not match its TSA certificate.
    TimestampSigningCertificateMismatch {}: Error "TIMESTAMP_SIGNING_CERTIFICATE_MISMATCH"
        vi: "Thuộc tính signingCertificate của dấu thời gian không khớp với chứng thư số của đơn vị cấp dấu thời gian đi kèm"
        en: "The time-stamp's signingCertificate attribute does not match the TSA certificate that came with it";
    /// The token has no signingCertificate.
    TimestampNoSigningCertificate {}: Warning "TIMESTAMP_NO_SIGNING_CERTIFICATE"
        vi: "Dấu thời gian không có thuộc tính signingCertificate gắn với chứng thư số của đơn vị cấp (RFC 3161 §2.4.1)"
        en: "The time-stamp has no signingCertificate attribute binding it to the TSA certificate (RFC 3161 §2.4.1)";
    /// The TSA's certificate is not for time-stamping (`why`); a warning for a signature
    /// time-stamp, where the signing time is then only claimed.
    TsaCertificateUsage { why }: Error "TSA_CERTIFICATE_USAGE"
        vi: "Chứng thư số của đơn vị cấp dấu thời gian không dành cho việc cấp dấu thời gian"
        en: "The time-stamping authority's certificate is not for time-stamping: {why}";

    // ── CMS structure (kyso-verify, cms.rs) ─────────────────────────────────────────────────
    /// More than one SignerInfo.
    MultipleSigners { count }: Error "MULTIPLE_SIGNERS"
        vi: "Chữ ký có {count} người ký (SignerInfo); chỉ người ký đầu tiên được kiểm tra"
        en: "The signature has {count} SignerInfos; only the first one was checked";
    /// No certificate matches the SignerInfo.
    NoSigningCertificateFoundCms {}: Error "NO_SIGNING_CERTIFICATE_FOUND"
        vi: "Không tìm thấy chứng thư số của người ký trong chữ ký"
        en: "The signer's certificate was not found in the signature";
    /// messageDigest differs from the content's digest.
    HashFailureCms {}: Error "HASH_FAILURE"
        vi: "Nội dung đã bị thay đổi sau khi ký (giá trị băm không khớp)"
        en: "The content was changed after signing (message digest mismatch)";
    /// No messageDigest attribute.
    NoMessageDigest {}: Error "NO_MESSAGE_DIGEST"
        vi: "Chữ ký thiếu thuộc tính messageDigest"
        en: "The signature lacks the messageDigest attribute";
    /// contentType differs from the encapsulated content type.
    ContentTypeMismatch {}: Error "CONTENT_TYPE_MISMATCH"
        vi: "Thuộc tính contentType không khớp với kiểu nội dung được ký"
        en: "The contentType attribute does not match the signed content type";
    /// No contentType attribute.
    NoContentType {}: Error "NO_CONTENT_TYPE"
        vi: "Chữ ký thiếu thuộc tính contentType"
        en: "The signature lacks the contentType attribute";
    /// signingCertificate(V2) does not match the signer's certificate.
    SigningCertificateMismatch {}: Error "SIGNING_CERTIFICATE_MISMATCH"
        vi: "Thuộc tính signingCertificate không khớp với chứng thư số của người ký"
        en: "The signingCertificate attribute does not match the signer's certificate";
    /// A detached signature without signed attributes.
    NoSignedAttributes {}: Error "NO_SIGNED_ATTRIBUTES"
        vi: "Chữ ký không có thuộc tính được ký (signed attributes); không thể kiểm tra với giá trị băm của tài liệu"
        en: "The signature has no signed attributes; it cannot be checked against the document digest";
    /// The CMS signature value does not verify.
    SigCryptoFailureCms {}: Error "SIG_CRYPTO_FAILURE"
        vi: "Chữ ký số không khớp với khóa công khai của người ký"
        en: "The signature does not match the signer's public key";
    /// Content embedded in a signature checked as detached.
    ContentAttached {}: Warning "CONTENT_ATTACHED"
        vi: "Chữ ký có nội dung đính kèm nhưng được kiểm tra như chữ ký tách rời"
        en: "The signature embeds content but was checked as a detached signature";
    /// The signed content type is `oid`, not id-data.
    ContentTypeNotData { oid }: Warning "CONTENT_TYPE_NOT_DATA"
        vi: "Kiểu nội dung được ký là {oid}, không phải id-data"
        en: "The signed content type is {oid}, not id-data";

    // ── Time-stamp tokens (kyso-verify, timestamp.rs) ───────────────────────────────────────
    /// The token has no signingCertificate attribute.
    TstNoSigningCertificate {}: Warning "TST_NO_SIGNING_CERTIFICATE"
        vi: "Dấu thời gian không có thuộc tính signingCertificate gắn với chứng thư số của đơn vị cấp"
        en: "The time-stamp token has no signingCertificate attribute binding it to the TSA certificate";
    /// The token has no signed attributes.
    TstNoSignedAttributes {}: Warning "TST_NO_SIGNED_ATTRIBUTES"
        vi: "Dấu thời gian không có thuộc tính được ký"
        en: "The time-stamp token has no signed attributes";
    /// The imprint's hash algorithm `oid` is not supported.
    TstImprintAlgorithm { oid }: Error "TST_IMPRINT_ALGORITHM"
        vi: "Thuật toán băm của dấu thời gian không được hỗ trợ: {oid}"
        en: "Unsupported time-stamp imprint hash algorithm: {oid}";
    /// The imprint is not of this signature.
    TstImprintMismatch {}: Error "TST_IMPRINT_MISMATCH"
        vi: "Dấu thời gian không gắn với chữ ký này (message imprint không khớp)"
        en: "The time-stamp does not belong to this signature (message imprint mismatch)";
    /// The token's signature does not verify.
    TstSignatureInvalid {}: Error "TST_SIGNATURE_INVALID"
        vi: "Chữ ký của dấu thời gian không hợp lệ"
        en: "The time-stamp token's signature is invalid";

    // ── Revocation of a signature (kyso-verify, revocation.rs) ──────────────────────────────
    /// No valid chain to check revocation against.
    RevocationUnavailableNoChain {}: Warning "REVOCATION_UNAVAILABLE"
        vi: "Không xác định được tình trạng thu hồi của chứng thư số tại thời điểm ký (không có chuỗi chứng thư hợp lệ để kiểm tra CRL/OCSP); cần kiểm tra lại sau"
        en: "The certificate's revocation status at the signing time could not be obtained (no valid chain to check CRL/OCSP against); check again later";
    /// Revocation not checked, as asked (a signature).
    RevocationSkipped {}: Warning "REVOCATION_SKIPPED"
        vi: "Không kiểm tra tình trạng thu hồi của chứng thư số (theo yêu cầu); chưa khẳng định được chứng thư không bị thu hồi tại thời điểm ký"
        en: "Certificate revocation was not checked (as requested); it is not established that the certificate was unrevoked at the signing time";
    /// Fetching revocation data failed (`errors`, joined).
    RevocationFetchFailed { errors }: Info "REVOCATION_FETCH_FAILED"
        vi: "Không tải được một số dữ liệu thu hồi: {errors}"
        en: "Some revocation data could not be fetched: {errors}";
    /// Revoked after a claimed but unproven signing time.
    RevokedNoPoe {}: Warning "REVOKED_NO_POE"
        vi: "Thời gian ký được khai trước thời điểm thu hồi nhưng không có dấu thời gian chứng minh"
        en: "The claimed signing time precedes the revocation, but no time-stamp proves it";

    // ── A certificate checked alone, tokens (kyso facade) ───────────────────────────────────
    /// Revocation not checked, as asked (a certificate).
    RevocationSkippedCertificate {}: Warning "REVOCATION_SKIPPED"
        vi: "Không kiểm tra tình trạng thu hồi của chứng thư số (theo yêu cầu)"
        en: "Certificate revocation was not checked (as requested)";
    /// Fetching one item of revocation data failed (`error`).
    RevocationFetchFailedCertificate { error }: Info "REVOCATION_FETCH_FAILED"
        vi: "Không tải được dữ liệu thu hồi: {error}"
        en: "Revocation data could not be fetched: {error}";
    /// A token of the inventory could not be read.
    TokenUnreadable { label, error }: Warning "TOKEN_UNREADABLE"
        vi: "Không đọc được thiết bị \"{label}\": {error}"
        en: "Token \"{label}\" cannot be read: {error}";

    // ── The seal of an issuance signature (kyso-sign, workflow.rs) ──────────────────────────
    /// The PNG's pHYs gives an implausible width `mm`; the seal is drawn `drawn` mm wide.
    SealSizeAssumedPhys { mm, drawn }: Warning "SEAL_SIZE_ASSUMED"
        vi: "Độ phân giải ghi trong ảnh con dấu (pHYs) cho chiều rộng {mm:.0} mm, không phải \
             cỡ của một con dấu: con dấu được vẽ rộng {drawn} mm, đường kính thường gặp của con \
             dấu cơ quan nhà nước; nếu con dấu có cỡ khác, hãy cho chiều rộng thật của nó \
             (--seal-width-mm, hoặc seal_width_mm trong JSON)."
        en: "The resolution in the seal image (pHYs) makes it {mm:.0} mm wide, not the size \
             of a seal: the seal is drawn {drawn} mm wide, a common diameter of a state agency's \
             seal; if the seal's size differs, give its real width \
             (--seal-width-mm, or seal_width_mm in JSON).";
    /// The PNG has no pHYs; the seal is drawn `drawn` mm wide.
    SealSizeAssumedNoPhys { drawn }: Warning "SEAL_SIZE_ASSUMED"
        vi: "Ảnh con dấu không ghi kích thước thật (không có pHYs): con dấu được vẽ rộng \
             {drawn} mm, đường kính thường gặp của con dấu cơ quan nhà nước; nếu con dấu có cỡ \
             khác, hãy cho chiều rộng thật của nó (--seal-width-mm, hoặc seal_width_mm trong JSON)."
        en: "The seal image does not state its real size (no pHYs): the seal is drawn {drawn} mm \
             wide, a common diameter of a state agency's seal; if the seal's size differs, give \
             its real width (--seal-width-mm, or seal_width_mm in JSON).";

    /// No blank space for an automatically placed text block on page `page`.
    PlacementOverlapsText { page }: Warning "PLACEMENT_OVERLAPS_TEXT"
        vi: "Không tìm được chỗ trống ở phần trên trang {page} cho khối chữ của chữ ký: khối được \
             đặt ở vị trí thường lệ, đè lên chữ hoặc hình ảnh có sẵn trên trang (trang quét là \
             một hình ảnh); hãy chọn vị trí bằng --rect (hoặc rect trong JSON)."
        en: "No blank space in the top part of page {page} for the signature's block: it is \
             drawn at its usual place, over text or images already on the page (a scanned page \
             is one image); choose the place with --rect (or rect in JSON).";

    // ── Algorithms (kyso-policy, algorithms/policy.rs) ──────────────────────────────────────
    /// A legacy digest accepted before the cut-off.
    CryptoLegacyAlgorithmDigest { digest, cutoff }: Warning "CRYPTO_LEGACY_ALGORITHM"
        vi: "Thuật toán băm {digest} đã lỗi thời, chỉ chấp nhận vì chữ ký được chứng minh tồn tại trước {cutoff}"
        en: "Digest algorithm {digest} is legacy; accepted only because the signature is proven to exist before {cutoff}";
    /// A legacy digest without proof of a time before the cut-off.
    CryptoConstraintsFailureDigest { digest, cutoff }: Error "CRYPTO_CONSTRAINTS_FAILURE"
        vi: "Thuật toán băm {digest} không đạt yêu cầu (chỉ chấp nhận cho chữ ký có dấu thời gian trước {cutoff})"
        en: "Digest algorithm {digest} does not meet the constraints (accepted only for signatures time-stamped before {cutoff})";
    /// A short RSA key accepted before the cut-off.
    CryptoLegacyAlgorithmRsaKey { bits, min, cutoff }: Warning "CRYPTO_LEGACY_ALGORITHM"
        vi: "Khóa RSA {bits} bit ngắn hơn {min} bit, chỉ chấp nhận vì chữ ký được chứng minh tồn tại trước {cutoff}"
        en: "RSA key of {bits} bits is shorter than {min} bits; accepted only because the signature is proven to exist before {cutoff}";
    /// An RSA key below the minimum.
    CryptoConstraintsFailureRsaKey { bits, min }: Error "CRYPTO_CONSTRAINTS_FAILURE"
        vi: "Khóa RSA {bits} bit ngắn hơn mức tối thiểu {min} bit"
        en: "RSA key of {bits} bits is shorter than the minimum of {min} bits";
    /// An EC key below the minimum.
    CryptoConstraintsFailureEcKey { bits, min }: Error "CRYPTO_CONSTRAINTS_FAILURE"
        vi: "Khóa ECDSA {bits} bit ngắn hơn mức tối thiểu {min} bit"
        en: "ECDSA key of {bits} bits is shorter than the minimum of {min} bits";
    /// A public-key algorithm that is not known.
    CryptoConstraintsFailureUnknownKey {}: Error "CRYPTO_CONSTRAINTS_FAILURE"
        vi: "Không xác định được thuật toán khóa công khai của chữ ký"
        en: "The public-key algorithm of the signature could not be determined";

    // ── Certificate expiry (kyso-policy, expiry.rs) ─────────────────────────────────────────
    /// `days` left before `end`.
    CertExpiringSoon { name, days, end }: Warning "CERT_EXPIRING_SOON"
        vi: "Chứng thư số \"{name}\" hết hạn sau {days} ngày ({end}); cần đề nghị gia hạn qua cơ quan quản lý"
        en: "Certificate \"{name}\" expires in {days} days ({end}); request its renewal through the managing agency";
    /// Expired on `end`.
    CertExpired { name, end }: Error "CERT_EXPIRED"
        vi: "Chứng thư số \"{name}\" đã hết hạn ngày {end}"
        en: "Certificate \"{name}\" expired on {end}";
    /// Valid from `start` only.
    CertNotYetValid { name, start }: Warning "CERT_NOT_YET_VALID"
        vi: "Chứng thư số \"{name}\" chưa có hiệu lực (từ ngày {start})"
        en: "Certificate \"{name}\" is not valid yet (from {start})";

    // ── A certification path (kyso-policy, path/) ───────────────────────────────────────────
    /// A certificate of the path (`role`) not yet valid at `time`.
    CertNotYetValidOnPath { role, name, time, start }: Error "CERT_NOT_YET_VALID"
        vi: "Chứng thư số {role} \"{name}\" chưa có hiệu lực tại thời điểm {time} (hiệu lực từ {start})"
        en: "The {role} certificate \"{name}\" was not yet valid at {time} (valid from {start})";
    /// A certificate of the path (`role`) expired at `time`.
    CertExpiredOnPath { role, name, time, end }: Error "CERT_EXPIRED"
        vi: "Chứng thư số {role} \"{name}\" đã hết hiệu lực tại thời điểm {time} (hết hạn {end})"
        en: "The {role} certificate \"{name}\" had expired at {time} (expired {end})";
    /// The issuer's key does not verify the certificate.
    CertSignatureInvalid { name, issuer }: Error "CERT_SIGNATURE_INVALID"
        vi: "Chữ ký trên chứng thư số \"{name}\" không khớp với khóa của \"{issuer}\""
        en: "The signature on certificate \"{name}\" does not match the key of \"{issuer}\"";
    /// The certificate's signature is malformed.
    CertSignatureInvalidMalformed { name }: Error "CERT_SIGNATURE_INVALID"
        vi: "Chứng thư số \"{name}\" có cấu trúc chữ ký không hợp lệ"
        en: "Certificate \"{name}\" has a malformed signature";
    /// The certificate's signature could not be checked.
    CryptoConstraintsFailureCertSignature { name, error }: Error "CRYPTO_CONSTRAINTS_FAILURE"
        vi: "Không kiểm tra được chữ ký trên chứng thư số \"{name}\": {error}"
        en: "The signature on certificate \"{name}\" could not be checked: {error}";
    /// Unreadable basicConstraints.
    BasicConstraintsMalformed { name }: Error "BASIC_CONSTRAINTS_MALFORMED"
        vi: "Chứng thư số \"{name}\" có basicConstraints không đọc được"
        en: "Certificate \"{name}\" has unreadable basicConstraints";
    /// Unreadable critical keyUsage on the path.
    KeyUsageMalformedOnPath { name }: Error "KEY_USAGE_MALFORMED"
        vi: "Chứng thư số \"{name}\" có keyUsage không đọc được"
        en: "Certificate \"{name}\" has unreadable keyUsage";
    /// A critical extension `oid` that is not supported.
    UnknownCriticalExtension { name, oid }: Error "UNKNOWN_CRITICAL_EXTENSION"
        vi: "Chứng thư số \"{name}\" có phần mở rộng bắt buộc không được hỗ trợ ({oid})"
        en: "Certificate \"{name}\" has an unsupported critical extension ({oid})";
    /// An intermediate without basicConstraints cA.
    CaNotACa { name }: Error "CA_NOT_A_CA"
        vi: "Chứng thư số trung gian \"{name}\" không phải chứng thư số của tổ chức cấp (thiếu basicConstraints cA)"
        en: "Intermediate certificate \"{name}\" is not a CA certificate (no basicConstraints cA)";
    /// pathLenConstraint `limit` exceeded.
    PathLengthExceeded { limit, name }: Error "PATH_LENGTH_EXCEEDED"
        vi: "Chuỗi chứng thư số vượt quá giới hạn độ dài ({limit}) của \"{name}\""
        en: "The chain exceeds the path length constraint ({limit}) of \"{name}\"";
    /// An intermediate whose keyUsage lacks keyCertSign.
    CaKeyUsage { name }: Error "CA_KEY_USAGE"
        vi: "Chứng thư số trung gian \"{name}\" không được phép ký chứng thư số (keyUsage)"
        en: "Intermediate certificate \"{name}\" may not sign certificates (keyUsage)";
    /// An unreadable policy extension.
    CertificatePolicyMalformed { name }: Error "CERTIFICATE_POLICY"
        vi: "Chứng thư số \"{name}\" có phần mở rộng chính sách không đọc được"
        en: "Certificate \"{name}\" has an unreadable policy extension";
    /// A mapping of anyPolicy.
    CertificatePolicyAnyPolicyMapping { name }: Error "CERTIFICATE_POLICY"
        vi: "Chứng thư số \"{name}\" ánh xạ chính sách anyPolicy"
        en: "Certificate \"{name}\" maps anyPolicy";
    /// No acceptable policy where one is required.
    CertificatePolicyNoneAcceptable {}: Error "CERTIFICATE_POLICY"
        vi: "Chuỗi chứng thư số không có chính sách chứng thư được chấp nhận (yêu cầu chính sách tường minh)"
        en: "The certificate path has no acceptable certificate policy (an explicit policy is required)";
    /// The policy tree grows beyond `max` nodes.
    PolicyTreeBudget { max, name }: Error "POLICY_TREE_BUDGET"
        vi: "Cây chính sách chứng thư của chuỗi vượt quá {max} nút tại chứng thư số \"{name}\"; chuỗi bị từ chối"
        en: "The certificate policy tree of the chain grows beyond {max} nodes at certificate \"{name}\"; the chain is refused";
    /// The path is valid up to `anchor`.
    ChainValid { anchor }: Info "CHAIN_VALID"
        vi: "Chứng thư số được cấp bởi chuỗi tin cậy đến gốc \"{anchor}\""
        en: "The certificate chains to the trusted root \"{anchor}\"";
    /// An extension `oid` repeated.
    DuplicateExtension { name, oid }: Error "DUPLICATE_EXTENSION"
        vi: "Chứng thư số \"{name}\" có phần mở rộng {oid} lặp lại"
        en: "Certificate \"{name}\" repeats extension {oid}";
    /// An unreadable subjectAltName.
    SanMalformed { name }: Error "SAN_MALFORMED"
        vi: "Chứng thư số \"{name}\" có subjectAltName không đọc được"
        en: "Certificate \"{name}\" has an unreadable subjectAltName";
    /// An empty subject without a critical subjectAltName.
    EmptySubject { name }: Error "EMPTY_SUBJECT"
        vi: "Chứng thư số có tên chủ thể rỗng mà thiếu subjectAltName bắt buộc (\"{name}\")"
        en: "Certificate \"{name}\" has an empty subject without a critical subjectAltName";
    /// A CA with an empty subject.
    CaEmptySubject {}: Error "CA_EMPTY_SUBJECT"
        vi: "Chứng thư số của tổ chức cấp có tên chủ thể rỗng"
        en: "A CA certificate has an empty subject";
    /// nameConstraints outside a CA.
    NameConstraintsInLeaf { name }: Error "NAME_CONSTRAINTS_IN_LEAF"
        vi: "Chứng thư số \"{name}\" không phải CA nhưng có nameConstraints"
        en: "Certificate \"{name}\" is not a CA but carries nameConstraints";
    /// An empty or unreadable extendedKeyUsage.
    EkuMalformed { name }: Error "EKU_MALFORMED"
        vi: "Chứng thư số \"{name}\" có extendedKeyUsage rỗng hoặc không đọc được"
        en: "Certificate \"{name}\" has an empty or unreadable extendedKeyUsage";
    /// A critical authorityInfoAccess.
    AiaCritical { name }: Error "AIA_CRITICAL"
        vi: "Chứng thư số \"{name}\" đánh dấu authorityInfoAccess là bắt buộc"
        en: "Certificate \"{name}\" marks authorityInfoAccess critical";
    /// keyCertSign in a certificate that is not a CA.
    LeafKeyCertSign { name }: Error "LEAF_KEY_CERT_SIGN"
        vi: "Chứng thư số \"{name}\" có keyUsage keyCertSign nhưng không phải CA"
        en: "Certificate \"{name}\" asserts keyCertSign without being a CA";
    /// Malformed nameConstraints (`problem`).
    NameConstraintsMalformed { name, problem }: Error "NAME_CONSTRAINTS_MALFORMED"
        vi: "Chứng thư số \"{name}\" có nameConstraints không hợp lệ ({problem})"
        en: "Certificate \"{name}\" has malformed nameConstraints ({problem})";
    /// Checking name constraints would need `needed` comparisons, above `budget`.
    NameConstraintsBudget { needed, budget }: Error "NAME_CONSTRAINTS_BUDGET"
        vi: "Việc kiểm tra ràng buộc tên của chuỗi chứng thư số cần {needed} phép so sánh, vượt giới hạn {budget}; chuỗi bị từ chối"
        en: "Checking the name constraints of the chain would take {needed} comparisons, above the limit of {budget}; the chain is refused";
    /// A name of `cert` that the constraints of `ca` rule out (`how`).
    NameConstraintsViolated { name, cert, how, ca }: Error "NAME_CONSTRAINTS_VIOLATED"
        vi: "Tên \"{name}\" của chứng thư số \"{cert}\" {how} theo ràng buộc tên của \"{ca}\""
        en: "Name \"{name}\" of certificate \"{cert}\" {how} by the name constraints of \"{ca}\"";
    /// Path building stopped after `max` candidates.
    PathBuildingBudget { max }: Warning "PATH_BUILDING_BUDGET"
        vi: "Đã dừng tìm chuỗi chứng thư số sau {max} lần thử (giới hạn)"
        en: "Path building stopped after {max} issuer candidates (the limit)";
    /// `ignored` supplied certificates beyond `max`.
    PathCandidatesLimit { ignored, max }: Warning "PATH_CANDIDATES_LIMIT"
        vi: "{ignored} chứng thư số kèm theo không được xét khi tìm chuỗi (giới hạn {max} chứng thư số)"
        en: "{ignored} supplied certificates were not considered for path building (limit {max} certificates)";
    /// No path to a trust anchor.
    NoCertificateChainFound {}: Error "NO_CERTIFICATE_CHAIN_FOUND"
        vi: "Không tìm thấy chuỗi chứng thư số đến gốc tin cậy"
        en: "No certificate chain to a trusted root was found";
    /// No path to a trust anchor: `issuer`'s certificate is missing.
    NoCertificateChainFoundIssuer { issuer }: Error "NO_CERTIFICATE_CHAIN_FOUND"
        vi: "Không tìm thấy chuỗi chứng thư số đến gốc tin cậy (không có chứng thư số của đơn vị cấp: {issuer})"
        en: "No certificate chain to a trusted root was found (missing issuer certificate: {issuer})";

    // ── The Decree 68 profile (kyso-policy, profile.rs) ─────────────────────────────────────
    /// Valid for `days`, more than five years.
    ProfileValidityTooLong { name, days }: Warning "PROFILE_VALIDITY_TOO_LONG"
        vi: "Chứng thư số \"{name}\" có thời hạn {days} ngày, vượt quá 5 năm (Điều 9 Nghị định 68/2024/NĐ-CP)"
        en: "Certificate \"{name}\" is valid for {days} days, more than five years (Decree 68/2024 Art. 9)";
    /// A Government path without the Government policy `policy`.
    ProfilePolicyMissing { name, policy }: Warning "PROFILE_POLICY_MISSING"
        vi: "Chuỗi chứng thư số của \"{name}\" không mang chính sách chứng thư chuyên dùng Chính phủ {policy}"
        en: "The certificate path of \"{name}\" does not carry the Government certificate policy {policy}";
    /// The signature `role` needs `need`; the certificate is of type `kind`.
    ProfileRoleCertificate { role, need, name, kind }: Error "PROFILE_ROLE_CERTIFICATE"
        vi: "Chữ ký {role} phải dùng {need}; chứng thư \"{name}\" là loại {kind}"
        en: "{role} must use {need}; certificate \"{name}\" is of type {kind}";

    // ── What an end-entity certificate may sign (kyso-policy, usage.rs) ─────────────────────
    /// keyUsage without digitalSignature or nonRepudiation (`listed`).
    KeyUsageNotForSigning { name, listed }: Error "KEY_USAGE_NOT_FOR_SIGNING"
        vi: "Chứng thư số \"{name}\" không được phép dùng để ký: mục đích sử dụng khóa (keyUsage) chỉ gồm {listed}, không có digitalSignature hay nonRepudiation"
        en: "Certificate \"{name}\" may not sign: its keyUsage is {listed} only, without digitalSignature or nonRepudiation";
    /// extendedKeyUsage restricted to other purposes (`listed`).
    ExtendedKeyUsageNotForSigning { name, listed }: Error "EXTENDED_KEY_USAGE_NOT_FOR_SIGNING"
        vi: "Chứng thư số \"{name}\" chỉ được dùng cho mục đích khác (extendedKeyUsage: {listed}), không dùng để ký văn bản"
        en: "Certificate \"{name}\" is restricted to other purposes (extendedKeyUsage: {listed}) and may not sign documents";
    /// A key usage extension that is unreadable or repeated (`problem`).
    KeyUsageMalformed { name, problem }: Error "KEY_USAGE_MALFORMED"
        vi: "Chứng thư số \"{name}\": phần mở rộng mục đích sử dụng khóa {problem}"
        en: "Certificate \"{name}\": its key usage extension {problem}";
    /// A public key that is not supported (`error`).
    CryptoConstraintsFailureUnsupportedKey { error }: Error "CRYPTO_CONSTRAINTS_FAILURE"
        vi: "Khóa công khai của chứng thư số không được hỗ trợ: {error}"
        en: "The certificate's public key is not supported: {error}";
    /// Not yet valid on `when` (valid from `start`).
    CertificateNotValidAtTimeNotYet { when, start }: Error "CERTIFICATE_NOT_VALID_AT_TIME"
        vi: "Chứng thư số chưa có hiệu lực vào {when} (hiệu lực từ {start})"
        en: "The certificate is not yet valid on {when} (valid from {start})";
    /// Expired on `end`, before the signing time `when`.
    CertificateNotValidAtTimeExpired { end, when }: Error "CERTIFICATE_NOT_VALID_AT_TIME"
        vi: "Chứng thư số đã hết hạn vào {end} (thời điểm ký {when})"
        en: "The certificate expired on {end} (signing time {when})";

    // ── Revocation of a path (kyso-policy, revocation/messages.rs) ──────────────────────────
    /// Not revoked at the signing time, per `source` (CRL or OCSP).
    RevocationGood { role, name, source }: Info "REVOCATION_GOOD"
        vi: "Chứng thư số {role} \"{name}\" không bị thu hồi tại thời điểm ký (theo {source})"
        en: "The {role} certificate \"{name}\" was not revoked at the signing time (per {source})";
    /// Revoked at `time`, before the signing time `signing`.
    CertRevoked { role, name, time, reason, signing, source }: Error "CERT_REVOKED"
        vi: "Chứng thư số {role} \"{name}\" đã bị thu hồi lúc {time} (lý do: {reason}), trước thời điểm ký {signing} (theo {source})"
        en: "The {role} certificate \"{name}\" was revoked at {time} (reason: {reason}), before the signing time {signing} (per {source})";
    /// Revoked at `time`, after the signing time `signing`.
    CertRevokedAfterSigning { role, name, time, reason, signing }: Info "CERT_REVOKED_AFTER_SIGNING"
        vi: "Chứng thư số {role} \"{name}\" bị thu hồi lúc {time} (lý do: {reason}), sau thời điểm ký {signing}; chữ ký vẫn có giá trị"
        en: "The {role} certificate \"{name}\" was revoked at {time} (reason: {reason}), after the signing time {signing}; the signature stays valid";
    /// On hold since `time`, before the signing time `signing`.
    CertSuspended { role, name, time, signing, source }: Error "CERT_SUSPENDED"
        vi: "Chứng thư số {role} \"{name}\" đang bị tạm dừng từ {time}, trước thời điểm ký {signing} (theo {source}); chưa thể khẳng định hiệu lực, cần kiểm tra lại sau"
        en: "The {role} certificate \"{name}\" has been suspended (on hold) since {time}, before the signing time {signing} (per {source}); validity cannot be established, check again later";
    /// On hold from `time`, after the signing time `signing`.
    CertSuspendedAfterSigning { role, name, time, signing }: Info "CERT_SUSPENDED_AFTER_SIGNING"
        vi: "Chứng thư số {role} \"{name}\" bị tạm dừng từ {time}, sau thời điểm ký {signing}"
        en: "The {role} certificate \"{name}\" was suspended (on hold) at {time}, after the signing time {signing}";
    /// No usable CRL or OCSP response; `why` (English only) says why the data at hand was not
    /// used: empty, or ` (…; …)`.
    RevocationUnavailable { role, name, why }: Warning "REVOCATION_UNAVAILABLE"
        vi: "Không xác định được tình trạng thu hồi của chứng thư số {role} \"{name}\" tại thời điểm ký (không có CRL/OCSP dùng được); theo Thông tư 15/2025/TT-BKHCN chưa thể khẳng định chữ ký hợp lệ, cần kiểm tra lại sau"
        en: "The revocation status of the {role} certificate \"{name}\" at the signing time could not be obtained (no usable CRL/OCSP){why}; check again later";

    // ── edXML packages (QCVN 102:2016; kyso-edxml) ──────────────────────────────────────────
    /// A file that could not be read as an edXML package.
    EdxmlUnreadable { error }: Error "EDXML_UNREADABLE"
        vi: "Tệp không đọc được như một gói tin edXML (QCVN 102:2016): {error}"
        en: "The file cannot be read as an edXML package (QCVN 102:2016): {error}";
    /// An agency identifier of the header is not up to 35 characters of A–Z, 0–9 and '.'.
    EdxmlOrganIdInvalid { field, value }: Error "EDXML_ORGAN_ID_INVALID"
        vi: "Mã định danh cơ quan ở mục {field} không hợp lệ: \"{value}\" (tối đa 35 ký tự A–Z, 0–9 và dấu chấm)"
        en: "The agency identifier in {field} is invalid: \"{value}\" (at most 35 characters of A–Z, 0–9 and '.')";
    /// A header field the standard requires is missing.
    EdxmlHeaderIncomplete { field }: Error "EDXML_HEADER_INCOMPLETE"
        vi: "Phần tiêu đề gói tin edXML thiếu mục bắt buộc {field}"
        en: "The edXML header lacks the required field {field}";
    /// The package carries no attachment at all.
    EdxmlNoAttachment {}: Error "EDXML_NO_ATTACHMENT"
        vi: "Gói tin edXML không kèm tệp văn bản nào"
        en: "The edXML package carries no attached document";
    /// A manifest reference with no encoded attachment behind it.
    EdxmlAttachmentMissing { content_id }: Error "EDXML_ATTACHMENT_MISSING"
        vi: "Danh mục tệp đính kèm nêu tệp {content_id} nhưng gói tin không chứa tệp này"
        en: "The manifest lists the attachment {content_id} but the package does not hold it";
    /// An attachment whose base64 (or zip) content cannot be decoded.
    EdxmlAttachmentUnreadable { name, error }: Error "EDXML_ATTACHMENT_UNREADABLE"
        vi: "Không giải mã được tệp đính kèm {name}: {error}"
        en: "The attachment {name} cannot be decoded: {error}";
    /// An attachment that is not a PDF document (not verified).
    EdxmlAttachmentNotPdf { name, content_type }: Warning "EDXML_ATTACHMENT_NOT_PDF"
        vi: "Tệp đính kèm {name} ({content_type}) không phải văn bản PDF, không được kiểm tra chữ ký"
        en: "The attachment {name} ({content_type}) is not a PDF document; its signatures were not checked";
    /// The header carries no XML signature.
    EdxmlHeaderUnsigned {}: Warning "EDXML_HEADER_UNSIGNED"
        vi: "Phần tiêu đề gói tin edXML không có chữ ký số"
        en: "The edXML header carries no digital signature";
    /// The XML signature covers neither the whole package nor its header.
    EdxmlHeaderNotCovered {}: Warning "EDXML_HEADER_NOT_COVERED"
        vi: "Chữ ký số XML của gói tin không bao phủ phần tiêu đề (edXMLHeader)"
        en: "The package's XML signature does not cover its header (edXMLHeader)";
    /// The XML signature was not checked (an algorithm or form kyso does not check).
    EdxmlSignatureNotChecked { why }: Warning "EDXML_SIGNATURE_NOT_CHECKED"
        vi: "Chữ ký số XML của gói tin chưa được kiểm tra: {why}"
        en: "The package's XML signature was not checked: {why}";
    /// The XML signature is malformed.
    EdxmlSignatureMalformed { detail }: Error "EDXML_SIGNATURE_MALFORMED"
        vi: "Chữ ký số XML của gói tin sai cấu trúc: {detail}"
        en: "The package's XML signature is malformed: {detail}";
    /// A signed part of the package was changed after signing.
    EdxmlSignatureInvalidDigest { uri }: Error "EDXML_SIGNATURE_INVALID"
        vi: "Phần được ký của gói tin ({uri}) đã bị thay đổi sau khi ký"
        en: "The signed part of the package ({uri}) was changed after signing";
    /// The XML signature value does not match the signer's key.
    EdxmlSignatureInvalidValue {}: Error "EDXML_SIGNATURE_INVALID"
        vi: "Giá trị chữ ký số XML của gói tin không khớp với khóa của người ký"
        en: "The package's XML signature value does not match the signer's key";
    /// No certificate in KeyInfo verifies the signature.
    EdxmlSignerCertificateMissing {}: Error "EDXML_SIGNER_CERTIFICATE_MISSING"
        vi: "Chữ ký số XML của gói tin không kèm chứng thư số của người ký"
        en: "The package's XML signature does not carry the signer's certificate";
    /// An attached document was found INVALID or INDETERMINATE (package summary).
    EdxmlAttachmentNotValid { name, verdict }: Warning "EDXML_ATTACHMENT_NOT_VALID"
        vi: "Văn bản đính kèm {name} không hợp lệ ({verdict})"
        en: "The attached document {name} is not valid ({verdict})";
}

terms! {
    // ── The certificate a path finding is about (path/evaluate.rs) ──────────────────────────
    /// The signer's certificate.
    PathSigner: "người ký", "signer";
    /// An intermediate CA's certificate.
    PathIntermediate: "trung gian", "intermediate";
    /// The trust anchor.
    PathAnchor: "gốc tin cậy", "trust anchor";

    // ── The certificate a revocation finding is about (revocation/messages.rs) ──────────────
    /// The signer's certificate.
    SignerCertificate: "của người ký", "signer's";
    /// An intermediate CA's certificate.
    IntermediateCertificate: "của tổ chức cấp trung gian", "intermediate CA";
    /// A revocation without a CRLReason.
    NoReasonGiven: "không nêu lý do", "no reason given";

    // ── How a name breaks a name constraint (path/structure.rs) ─────────────────────────────
    /// In an excluded subtree.
    NameExcluded: "bị loại trừ", "is excluded";
    /// Outside every permitted subtree.
    NameNotPermitted: "nằm ngoài phạm vi cho phép", "is outside the permitted names";
    /// Malformed.
    NameMalformed: "sai cú pháp nên không kiểm tra được", "is malformed and cannot be checked";
    /// Of a form that is not supported.
    NameFormUnsupported: "thuộc dạng tên không được hỗ trợ", "is of a constrained name form that is not supported";

    // ── Signature roles and the certificates they need (profile.rs) ─────────────────────────
    /// An approval signature.
    RoleApproval: "ký phê duyệt", "An approval signature";
    /// An issuance (seal) signature.
    RoleIssuance: "ký ban hành (đóng dấu)", "An issuance (seal) signature";
    /// An attachment signature.
    RoleAttachment: "ký văn bản kèm theo", "An attachment signature";
    /// A copy signature.
    RoleCopy: "ký bản sao", "A copy signature";
    /// An organisation's certificate.
    NeedOrganization: "chứng thư số của cơ quan, tổ chức", "an organisation certificate";
    /// An individual's certificate.
    NeedIndividual: "chứng thư số cá nhân", "an individual's certificate";
    /// Any other kind of certificate.
    NeedSuitable: "chứng thư số phù hợp", "a suitable certificate";
    /// What an XML signature reference with `URI=""` designates.
    WholePackage: "toàn bộ gói tin", "the whole package";
    /// The kind of a certificate: an organisation's.
    KindOrganization: "cơ quan, tổ chức", "organisation";
    /// The kind of a certificate: an individual's.
    KindIndividual: "cá nhân", "individual";
    /// The kind of a certificate: not told by its subject.
    KindUnknown: "không xác định", "unknown";

    // ── What is wrong with a key usage extension (usage.rs) ─────────────────────────────────
    /// keyUsage or extendedKeyUsage present twice.
    UsageTwice: "xuất hiện hai lần", "appears twice";
    /// keyUsage unreadable.
    KeyUsageUnreadable: "keyUsage không đọc được", "keyUsage does not decode";
    /// extendedKeyUsage unreadable.
    EkuUnreadable: "extendedKeyUsage không đọc được", "extendedKeyUsage does not decode";
}

impl Param for Term {
    fn fmt_vi(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.vi())
    }

    fn fmt_en(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.en())
    }
}

/// A CRLReason: its Vietnamese name, and its RFC 5280 name in English.
impl Param for CrlReason {
    fn fmt_vi(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.vi())
    }

    fn fmt_en(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Reason {
    /// The same finding, said of the certificate `name` of a path (an algorithm finding about
    /// one certificate's signature).
    pub fn about_certificate(self, name: &str) -> Self {
        Self {
            vi: format!("{} (chứng thư số \"{name}\")", self.vi),
            en: format!("{} (certificate \"{name}\")", self.en),
            ..self
        }
    }
}
