// kyso for .NET: verify and sign PDF documents through the kyso C ABI (bindings/c/include/kyso.h).
// P/Invoke declarations with SafeHandle wrappers; built with Mono's mcs (bindings/dotnet/run-tests.sh).
//
//   string report = Kyso.Kyso.VerifyPdf(File.ReadAllBytes(path),
//       "{\"trust\":[\"/etc/kyso/root-g2.pem\"],\"revocation\":\"embedded\"}");
//
// Options and the report are the JSON objects of the C ABI and the CLI (kyso.report/1). No C bool crosses
// the boundary; strings go in as NUL-terminated UTF-8. Every method is thread-safe.
using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Kyso
{
    /// <summary>A kyso call failed; <see cref="Code"/> is the stable code of the C ABI.</summary>
    public sealed class KysoException : Exception
    {
        public int Code { get; private set; }

        public KysoException(int code, string message) : base("kyso error " + code + ": " + message)
        {
            Code = code;
        }
    }

    /// <summary>A kyso_buffer; released with kyso_buffer_free when disposed or finalised.</summary>
    public sealed class BufferHandle : SafeHandle
    {
        public BufferHandle() : base(IntPtr.Zero, true) { }

        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }

        protected override bool ReleaseHandle()
        {
            Native.kyso_buffer_free(handle);
            return true;
        }

        /// <summary>A copy of the bytes.</summary>
        public byte[] ToArray()
        {
            ulong len = Native.kyso_buffer_len(this).ToUInt64();
            if (len > int.MaxValue) throw new InvalidOperationException("buffer too large: " + len);
            var bytes = new byte[(int)len];
            if (len > 0) Marshal.Copy(Native.kyso_buffer_data(this), bytes, 0, (int)len);
            return bytes;
        }
    }

    /// <summary>A kyso_error; released with kyso_error_free when disposed or finalised.</summary>
    public sealed class ErrorHandle : SafeHandle
    {
        public ErrorHandle() : base(IntPtr.Zero, true) { }

        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }

        protected override bool ReleaseHandle()
        {
            Native.kyso_error_free(handle);
            return true;
        }
    }

    /// <summary>The raw declarations. Use <see cref="Kyso"/> instead.</summary>
    public static class Native
    {
        // "kyso": libkyso.so on Linux, kyso.dll on Windows. The NuGet package (bindings/windows/build.sh)
        // carries both under runtimes/{linux-x64,win-x64}/native/, where .NET finds them by RID.
        const string Lib = "kyso";

        [DllImport(Lib)] public static extern IntPtr kyso_version();
        [DllImport(Lib)] public static extern uint kyso_abi_version();
        [DllImport(Lib)] public static extern int kyso_verify_pdf(byte[] pdf, UIntPtr pdfLen, byte[] optionsJson,
            out BufferHandle reportJsonOut, out ErrorHandle errorOut);
        [DllImport(Lib)] public static extern int kyso_sign_prepare(byte[] pdf, UIntPtr pdfLen, byte[] optionsJson,
            out BufferHandle preparedPdfOut, out BufferHandle infoJsonOut, out ErrorHandle errorOut);
        [DllImport(Lib)] public static extern int kyso_sign_finish(byte[] prepared, UIntPtr preparedLen,
            byte[] signature, UIntPtr signatureLen, byte[] optionsJson, out BufferHandle signedPdfOut,
            out ErrorHandle errorOut);
        [DllImport(Lib)] public static extern int kyso_verify_edxml(byte[] package, UIntPtr packageLen,
            byte[] optionsJson, out BufferHandle reportJsonOut, out ErrorHandle errorOut);
        [DllImport(Lib)] public static extern int kyso_refusal_notice(byte[] document, UIntPtr documentLen,
            byte[] optionsJson, byte[] noticeJson, out BufferHandle noticePdfOut, out BufferHandle noticeJsonOut,
            out ErrorHandle errorOut);
        [DllImport(Lib)] public static extern int kyso_verify_certificate(byte[] cert, UIntPtr certLen,
            byte[] optionsJson, out BufferHandle reportJsonOut, out ErrorHandle errorOut);
        [DllImport(Lib)] public static extern int kyso_inspect_certificate(byte[] cert, UIntPtr certLen,
            out BufferHandle infoJsonOut, out ErrorHandle errorOut);
        [DllImport(Lib)] public static extern int kyso_sign_pdf(byte[] pdf, UIntPtr pdfLen, byte[] optionsJson,
            out BufferHandle signedPdfOut, out ErrorHandle errorOut);
        [DllImport(Lib)] public static extern int kyso_sign_pdf_with_result(byte[] pdf, UIntPtr pdfLen,
            byte[] optionsJson, out BufferHandle signedPdfOut, out BufferHandle resultJsonOut, out ErrorHandle errorOut);
        [DllImport(Lib)] public static extern int kyso_token_list(byte[] modulePath, out BufferHandle jsonOut,
            out ErrorHandle errorOut);
        [DllImport(Lib)] public static extern int kyso_certificate_inventory(byte[] optionsJson,
            out BufferHandle output, out ErrorHandle errorOut);
        [DllImport(Lib)] public static extern int kyso_ltv_add(byte[] pdf, UIntPtr pdfLen, byte[] optionsJson,
            out BufferHandle pdfOut, out BufferHandle summaryJsonOut, out ErrorHandle errorOut);
        [DllImport(Lib)] public static extern int kyso_vgca(byte[] operation, byte[] requestJson, byte[] optionsJson,
            out BufferHandle replyJsonOut, out ErrorHandle errorOut);
        [DllImport(Lib)] public static extern IntPtr kyso_buffer_data(BufferHandle buffer);
        [DllImport(Lib)] public static extern UIntPtr kyso_buffer_len(BufferHandle buffer);
        [DllImport(Lib)] public static extern void kyso_buffer_free(IntPtr buffer);
        [DllImport(Lib)] public static extern int kyso_error_code(ErrorHandle error);
        [DllImport(Lib)] public static extern IntPtr kyso_error_message(ErrorHandle error);
        [DllImport(Lib)] public static extern void kyso_error_free(IntPtr error);

        /// <summary>NUL-terminated UTF-8, or null for a C NULL.</summary>
        public static byte[] Utf8z(string s)
        {
            if (s == null) return null;
            var bytes = Encoding.UTF8.GetBytes(s);
            var z = new byte[bytes.Length + 1];
            Buffer.BlockCopy(bytes, 0, z, 0, bytes.Length);
            return z;
        }

        /// <summary>Read a NUL-terminated UTF-8 string.</summary>
        public static string FromUtf8z(IntPtr p)
        {
            if (p == IntPtr.Zero) return null;
            int n = 0;
            while (Marshal.ReadByte(p, n) != 0) n++;
            var bytes = new byte[n];
            Marshal.Copy(p, bytes, 0, n);
            return Encoding.UTF8.GetString(bytes);
        }
    }

    /// <summary>Verify and sign PDFs, add long-term validation data, verify and inspect certificates, and run the
    /// VGCA Sign Service operations.</summary>
    public static class Kyso
    {
        public static string Version { get { return Native.FromUtf8z(Native.kyso_version()); } }

        public static uint AbiVersion { get { return Native.kyso_abi_version(); } }

        /// <summary>Verify a PDF; returns the kyso.report/1 JSON whatever the verdict.</summary>
        public static string VerifyPdf(byte[] pdf, string optionsJson)
        {
            BufferHandle report;
            ErrorHandle error;
            int code = Native.kyso_verify_pdf(pdf, Len(pdf), Native.Utf8z(optionsJson), out report, out error);
            using (report) return Encoding.UTF8.GetString(Check(code, error, report).ToArray());
        }

        /// <summary>Two-step signing, first step, for a key that signs elsewhere (a remote signing service, a
        /// phone, another system's HSM): <paramref name="optionsJson"/> is that of <see cref="SignPdf"/> with
        /// "signer": {"external": {"certificate": "PEM text or path"}}. Returns the prepared file (keep it; nothing
        /// else is needed to finish); <paramref name="infoJson"/> gets what must be signed ("to_be_signed" in
        /// base64, "to_be_signed_digest", the algorithms, the field).</summary>
        public static byte[] SignPrepare(byte[] pdf, string optionsJson, out string infoJson)
        {
            BufferHandle prepared, info;
            ErrorHandle error;
            int code = Native.kyso_sign_prepare(pdf, Len(pdf), Native.Utf8z(optionsJson), out prepared, out info,
                out error);
            // On failure both outputs are NULL (invalid handles, nothing to release).
            using (prepared)
            using (info)
            {
                Check(code, error, prepared);
                infoJson = Encoding.UTF8.GetString(info.ToArray());
                return prepared.ToArray();
            }
        }

        /// <summary>Two-step signing, second step: <paramref name="signature"/> is the key's value over the
        /// prepared "to_be_signed" (binary, or base64 text); <paramref name="optionsJson"/> {"level": "B-T", "tsa":
        /// "http://…"} or "{}". A value that does not verify with the certificate over what was prepared throws
        /// code 5012; a prepared file changed since, 5011. Returns the signed file.</summary>
        public static byte[] SignFinish(byte[] prepared, byte[] signature, string optionsJson)
        {
            BufferHandle signedPdf;
            ErrorHandle error;
            int code = Native.kyso_sign_finish(prepared, Len(prepared), signature, Len(signature),
                Native.Utf8z(optionsJson), out signedPdf, out error);
            using (signedPdf) return Check(code, error, signedPdf).ToArray();
        }

        /// <summary>Verify an edXML package (QCVN 102:2016), like <c>kyso edxml verify</c>: its header, its XML
        /// signature and every attached PDF, with the options of <see cref="VerifyPdf"/>. Returns the kyso.edxml/1
        /// JSON whatever the verdict.</summary>
        public static string VerifyEdxml(byte[] package, string optionsJson)
        {
            BufferHandle report;
            ErrorHandle error;
            int code = Native.kyso_verify_edxml(package, Len(package), Native.Utf8z(optionsJson), out report,
                out error);
            using (report) return Encoding.UTF8.GetString(Check(code, error, report).ToArray());
        }

        /// <summary>The refusal notice of an incoming document that fails verification (Decree 30 Art. 21(2)),
        /// like <c>kyso refuse</c>: <paramref name="document"/> (a PDF, or an edXML package when the notice's
        /// "file_name" ends in .edxml) is verified with the options of <see cref="VerifyPdf"/>;
        /// <paramref name="noticeJson"/> is {"file_name", "sender", "receiver", "number", "place"} (each
        /// optional). Returns the one-page PDF; <paramref name="noticeJsonOut"/> gets the kyso.refusal/1 JSON. A
        /// VALID document is not refused (a KysoException with code 7001).</summary>
        public static byte[] RefusalNotice(byte[] document, string optionsJson, string noticeJson,
            out string noticeJsonOut)
        {
            BufferHandle pdf, json;
            ErrorHandle error;
            int code = Native.kyso_refusal_notice(document, Len(document), Native.Utf8z(optionsJson),
                Native.Utf8z(noticeJson), out pdf, out json, out error);
            // On failure both outputs are NULL (invalid handles, nothing to release).
            using (pdf)
            using (json)
            {
                Check(code, error, pdf);
                noticeJsonOut = Encoding.UTF8.GetString(json.ToArray());
                return pdf.ToArray();
            }
        }

        /// <summary>Verify a certificate on its own, like <c>kyso cert verify</c>: its chain to the trust anchors,
        /// revocation and the Decree 68 profile; by default also whether it may sign documents ("purpose": "any"
        /// checks the path alone). <paramref name="cert"/> is PEM or DER (further certificates there help build the
        /// path); the options are those of <see cref="VerifyPdf"/>. Returns the JSON report ("status",
        /// "sub_indication", "validation_time", "path", "revocation", "reasons") whatever the status.</summary>
        public static string VerifyCertificate(byte[] cert, string optionsJson)
        {
            BufferHandle report;
            ErrorHandle error;
            int code = Native.kyso_verify_certificate(cert, Len(cert), Native.Utf8z(optionsJson), out report,
                out error);
            using (report) return Encoding.UTF8.GetString(Check(code, error, report).ToArray());
        }

        /// <summary>Describe the first certificate in <paramref name="cert"/> (PEM or DER) without validating it,
        /// like <c>kyso cert inspect --json</c>: subject, issuer, validity, key, key usages, policies, URLs, the
        /// Decree 68 subscriber information, whether it may sign documents, and findings. Returns the JSON.</summary>
        public static string InspectCertificate(byte[] cert)
        {
            BufferHandle info;
            ErrorHandle error;
            int code = Native.kyso_inspect_certificate(cert, Len(cert), out info, out error);
            using (info) return Encoding.UTF8.GetString(Check(code, error, info).ToArray());
        }

        /// <summary>Sign a PDF as the JSON signing options say; returns the signed file.</summary>
        public static byte[] SignPdf(byte[] pdf, string optionsJson)
        {
            BufferHandle signed;
            ErrorHandle error;
            int code = Native.kyso_sign_pdf(pdf, Len(pdf), Native.Utf8z(optionsJson), out signed, out error);
            using (signed) return Check(code, error, signed).ToArray();
        }

        /// <summary>Like <see cref="SignPdf"/>; <paramref name="resultJson"/> receives what the signing reports
        /// besides the file: {"field": "Signature2", "size": 23456, "warnings": [{"code", "severity", "vi", "en"}]}
        /// ("warnings" is empty unless something was assumed on the caller's behalf, e.g. SEAL_SIZE_ASSUMED for a
        /// seal PNG without pHYs).</summary>
        public static byte[] SignPdfWithResult(byte[] pdf, string optionsJson, out string resultJson)
        {
            BufferHandle signed, result;
            ErrorHandle error;
            int code = Native.kyso_sign_pdf_with_result(pdf, Len(pdf), Native.Utf8z(optionsJson), out signed,
                out result, out error);
            // On failure both outputs are NULL (invalid handles, nothing to release).
            using (signed)
            using (result)
            {
                Check(code, error, signed);
                resultJson = Encoding.UTF8.GetString(result.ToArray());
                return signed.ToArray();
            }
        }

        /// <summary>The tokens of a PKCS#11 module, as JSON ({"tokens": [...]}).</summary>
        public static string TokenList(string modulePath)
        {
            BufferHandle json;
            ErrorHandle error;
            int code = Native.kyso_token_list(Native.Utf8z(modulePath), out json, out error);
            using (json) return Encoding.UTF8.GetString(Check(code, error, json).ToArray());
        }

        /// <summary>The certificate inventory, like <c>kyso cert inventory</c>: the certificates on the tokens of
        /// "pkcs11_module" and in "certificates", with their state (valid, expiring_soon, expired, not_yet_valid)
        /// and days left. Options: {"certificates", "pkcs11_module", "pin" | "pin_env", "unit", "warn_days", "at",
        /// "format"} (see kyso.h, kyso_certificate_inventory). Returns the JSON report kyso.inventory/1, or with
        /// "format": "csv" the CSV text.</summary>
        public static string CertificateInventory(string optionsJson)
        {
            BufferHandle output;
            ErrorHandle error;
            int code = Native.kyso_certificate_inventory(Native.Utf8z(optionsJson), out output, out error);
            using (output) return Encoding.UTF8.GetString(Check(code, error, output).ToArray());
        }

        /// <summary>Add long-term validation data to a signed PDF, like <c>kyso ltv add</c>: PAdES B-LT (a /DSS
        /// update), and with "tsa" B-LTA (also a document time-stamp). Options: {"tsa", "tsa_digest", "offline", "partial",
        /// "crls", "ocsp_responses", "ca_certs"} (see kyso.h, kyso_ltv_add). Returns the augmented file (the input
        /// is its prefix).</summary>
        public static byte[] LtvAdd(byte[] pdf, string optionsJson)
        {
            string summaryJson;
            return LtvAdd(pdf, optionsJson, out summaryJson);
        }

        /// <summary>Like <see cref="LtvAdd(byte[], string)"/>; <paramref name="summaryJson"/> receives what was
        /// added: {"signatures", "certificates", "crls", "ocsp_responses", "uncovered": [...], "fetch_errors":
        /// [...], "document_timestamp"} ("uncovered" names the certificates whose revocation status the embedded
        /// data does not establish).</summary>
        public static byte[] LtvAdd(byte[] pdf, string optionsJson, out string summaryJson)
        {
            BufferHandle augmented, summary;
            ErrorHandle error;
            int code = Native.kyso_ltv_add(pdf, Len(pdf), Native.Utf8z(optionsJson), out augmented, out summary,
                out error);
            // On failure both outputs are NULL (invalid handles, nothing to release).
            using (augmented)
            using (summary)
            {
                Check(code, error, augmented);
                summaryJson = Encoding.UTF8.GetString(summary.ToArray());
                return augmented.ToArray();
            }
        }

        /// <summary>Run one operation of the Government CA's VGCA Sign Service with VGCA's own JSON, like
        /// <c>kyso vgca</c>: <paramref name="operation"/> is SignApproved, SignIssued, SignIncome, SignCopy,
        /// SignAppendix, Comment or VerifyPDF (or its JavaScript name, e.g. vgca_sign_issued);
        /// <paramref name="requestJson"/> is VGCA's request ({"FileName": "local path", "DocNumber", "IssuedDate",
        /// "MetaData": [{"Key", "Value"}], "OutputFileName"}); <paramref name="optionsJson"/> the signing options of
        /// <see cref="SignPdf"/> (the profile comes from the request), or for VerifyPDF the verification options of
        /// <see cref="VerifyPdf"/>. The signed file is written to OutputFileName (default: NAME_signed.pdf beside
        /// the input). Returns VGCA's JSON reply, for failures too: {"Status": 0, "Message", "FileName",
        /// "DocumentNumber", "DocumentDate"} on success; otherwise a non-zero "Status" (2: VerifyPDF found the
        /// document not valid, with its "Report"), a Vietnamese and English "Message" and kyso's "ErrorCode". Read
        /// "Status": a <see cref="KysoException"/> is thrown only for a null argument or an internal error.</summary>
        public static string Vgca(string operation, string requestJson, string optionsJson)
        {
            BufferHandle reply;
            ErrorHandle error;
            int code = Native.kyso_vgca(Native.Utf8z(operation), Native.Utf8z(requestJson), Native.Utf8z(optionsJson),
                out reply, out error);
            using (reply) return Encoding.UTF8.GetString(Check(code, error, reply).ToArray());
        }

        static UIntPtr Len(byte[] pdf)
        {
            return new UIntPtr((ulong)(pdf == null ? 0 : pdf.Length));
        }

        static BufferHandle Check(int code, ErrorHandle error, BufferHandle output)
        {
            using (error)
            {
                if (code != 0)
                {
                    string message = error.IsInvalid ? "(no message)" : Native.FromUtf8z(Native.kyso_error_message(error));
                    throw new KysoException(code, message);
                }
            }
            return output;
        }
    }
}
