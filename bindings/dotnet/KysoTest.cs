// Tests of the .NET binding (run by bindings/dotnet/run-tests.sh):
//   mono kyso-test.exe OUT ROOT.pem PKCS11_MODULE AT CHAIN.pem PLAIN.pdf
// OUT holds signed.pdf and tampered.pdf; writes OUT/parity/dotnet-{signed,tampered}.json. The test PKI's other files
// are read next to ROOT.pem; KYSO_P12_PASSWORD is the password of its ca-nhan.p12.
using System;
using System.IO;
using System.Text;

static class KysoTest
{
    static int passed, failed;

    static void Check(bool ok, string what)
    {
        Console.WriteLine((ok ? "ok   " : "FAIL ") + what);
        if (ok) passed++; else failed++;
    }

    static string Json(string s)
    {
        var b = new StringBuilder("\"");
        foreach (char c in s)
        {
            if (c == '"') b.Append("\\\"");
            else if (c == '\\') b.Append("\\\\");
            else if (c == '\n') b.Append("\\n");
            else if (c != '\r') b.Append(c);
        }
        return b.Append('"').ToString();
    }

    static int Code(Action f)
    {
        try { f(); return 0; }
        catch (Kyso.KysoException e) { return e.Code; }
    }

    static int Main(string[] args)
    {
        string outDir = args[0], root = args[1], module = args[2], at = args[3], chain = args[4];
        byte[] plain = File.ReadAllBytes(args[5]);
        string options = "{\"trust\":[" + Json(root) + "],\"revocation\":\"off\",\"at\":" + Json(at) + "}";

        Check(Kyso.Kyso.AbiVersion == 1, "abi version 1");
        Check(!string.IsNullOrEmpty(Kyso.Kyso.Version), "version " + Kyso.Kyso.Version);

        foreach (var name in new[] { "signed", "tampered" })
        {
            string report = Kyso.Kyso.VerifyPdf(File.ReadAllBytes(Path.Combine(outDir, name + ".pdf")), options);
            File.WriteAllText(Path.Combine(outDir, "parity", "dotnet-" + name + ".json"), report + "\n", new UTF8Encoding(false));
            string want = name == "signed" ? "\"verdict\":\"VALID\"" : "\"verdict\":\"INVALID\"";
            Check(report.Contains(want), name + ".pdf: " + want);
        }

        string signOptions = "{\"signer\":{\"pkcs11\":{\"module\":" + Json(module)
            + ",\"token\":\"kyso-test\",\"key_label\":\"ca-nhan\",\"pin\":\"1234\"}},\"level\":\"B-B\","
            + "\"reason\":\"Ký từ .NET\",\"chain\":[" + Json(chain) + "]}";
        byte[] signedPdf = Kyso.Kyso.SignPdf(plain, signOptions);
        Check(signedPdf.Length > plain.Length, "signed through SoftHSM: " + signedPdf.Length + " bytes");
        string pem = File.ReadAllText(root);
        string r = Kyso.Kyso.VerifyPdf(signedPdf, "{\"trust\":[" + Json(pem) + "],\"revocation\":\"off\"}");
        Check(r.Contains("\"verdict\":\"VALID\"") && r.Contains("Ký từ .NET"),
            "the .NET-signed PDF verifies VALID (trust as PEM text), reason kept in UTF-8");

        // Signing with the result: the field and the warnings (none: nothing was assumed).
        string signResult;
        byte[] srPdf = Kyso.Kyso.SignPdfWithResult(plain, signOptions, out signResult);
        bool starts = srPdf.Length > plain.Length;
        for (int i = 0; starts && i < plain.Length; i++) starts = srPdf[i] == plain[i];
        Check(starts, "SignPdfWithResult: the input is a prefix of the signed PDF (" + srPdf.Length + " bytes)");
        Check(signResult.Contains("\"warnings\":[]") && signResult.Contains("\"field\":\"Signature1\""),
            "SignPdfWithResult result: " + signResult);
        Check(Code(() => Kyso.Kyso.SignPdfWithResult(plain,
            "{\"signer\":{\"p12\":{\"path\":\"x.p12\"}},\"level\":\"B-T\"}", out signResult)) == 7002,
            "SignPdfWithResult unsupported level -> code 7002");

        // Certificates on their own: the test PKI next to ROOT.pem; CHAIN.pem starts with the issuing CA.
        string pki = Path.GetDirectoryName(Path.GetFullPath(root));
        byte[] ca = File.ReadAllBytes(chain);
        string certReport = Kyso.Kyso.VerifyCertificate(File.ReadAllBytes(Path.Combine(pki, "ca-nhan.fullchain.pem")),
            options);
        Check(certReport.Contains("\"status\":\"VALID\"")
            && certReport.Contains("\"purpose\":\"document-signing\"") && certReport.Contains("Nguyễn Văn An"),
            "VerifyCertificate: the signer's certificate (with its chain) is VALID for document signing");
        certReport = Kyso.Kyso.VerifyCertificate(ca, options);
        Check(certReport.Contains("\"status\":\"INVALID\"") && certReport.Contains("KEY_USAGE_NOT_FOR_SIGNING"),
            "VerifyCertificate: the issuing CA may not sign documents");
        Check(Kyso.Kyso.VerifyCertificate(ca, "{\"purpose\":\"any\"," + options.Substring(1))
            .Contains("\"status\":\"VALID\""), "VerifyCertificate (purpose any): the issuing CA chains to the root");
        Check(Code(() => Kyso.Kyso.VerifyCertificate(null, options)) == 7101,
            "VerifyCertificate null certificate -> code 7101");
        string info = Kyso.Kyso.InspectCertificate(File.ReadAllBytes(Path.Combine(pki, "ca-nhan.pem")));
        Check(info.Contains("\"common_name\":\"Nguyễn Văn An\"") && info.Contains("\"may_sign_documents\":true"),
            "InspectCertificate: the signer's name in UTF-8, may sign documents");
        Check(Kyso.Kyso.InspectCertificate(ca).Contains("\"ca\":true"), "InspectCertificate: the issuing CA is a CA");
        int garbage = Code(() => Kyso.Kyso.InspectCertificate(Encoding.ASCII.GetBytes("garbage")));
        Check(garbage != 0, "InspectCertificate on garbage -> code " + garbage);

        // The VGCA Sign Service with VGCA's JSON; the key from the PKCS#12 file next to ROOT.pem, its password in
        // KYSO_P12_PASSWORD. Operation failures are replies, not exceptions.
        string tmp = Path.Combine(Path.GetTempPath(), "kyso-dotnet-vgca-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(tmp);
        string vgcaOut = Path.Combine(tmp, "phu-luc.pdf");
        string request = "{\"FileName\":" + Json(Path.GetFullPath(args[5]))
            + ",\"DocNumber\":\"125/QĐ-UBND\",\"OutputFileName\":" + Json(vgcaOut) + "}";
        string vgcaOptions = "{\"signer\":{\"p12\":{\"path\":" + Json(Path.Combine(pki, "ca-nhan.p12"))
            + ",\"password_env\":\"KYSO_P12_PASSWORD\"}}}";
        string reply = Kyso.Kyso.Vgca("SignAppendix", request, vgcaOptions);
        Check(reply.Contains("\"Status\":0") && reply.Contains("\"DocumentNumber\":\"125/QĐ-UBND\"")
            && File.Exists(vgcaOut),
            "Vgca SignAppendix -> Status 0, the signed file written: " + reply);
        if (File.Exists(vgcaOut))
            Check(Kyso.Kyso.VerifyPdf(File.ReadAllBytes(vgcaOut), options).Contains("\"verdict\":\"VALID\""),
                "Vgca SignAppendix: the written PDF verifies VALID");
        reply = Kyso.Kyso.Vgca("SignIncome", request, vgcaOptions);
        Check(!reply.Contains("\"Status\":0") && reply.Contains("\"Status\":") && reply.Contains("\"ErrorCode\":7001"),
            "Vgca SignIncome without MetaData -> a reply with a non-zero Status, no exception: " + reply);
        Check(Code(() => Kyso.Kyso.Vgca(null, request, vgcaOptions)) == 7101, "Vgca null operation -> code 7101");
        Directory.Delete(tmp, true);

        Check(Kyso.Kyso.TokenList(module).Contains("\"label\":\"kyso-test\""), "token list has kyso-test");
        string inventory = Kyso.Kyso.CertificateInventory("{\"pkcs11_module\":" + Json(module)
            + ",\"pin\":\"1234\",\"unit\":\"Sở KH&CN\",\"at\":\"2029-12-20T00:00:00Z\"}");
        Check(inventory.Contains("\"unit\":\"Sở KH&CN\"") && inventory.Contains("\"total\":3,\"valid\":0,\"expiring_soon\":3"),
            "certificate inventory: the token's 3 certificates expiring soon on 2029-12-20");

        // Long-term validation, offline: the test PKI's CRLs (next to ROOT.pem), one as a PEM file, one as PEM
        // text; then revocation "embedded" decides from the DSS alone.
        string ltvOptions = "{\"crls\":[" + Json(Path.Combine(pki, "ca-g2.crl.pem")) + ","
            + Json(File.ReadAllText(Path.Combine(pki, "root-g2.crl.pem"))) + "],\"ca_certs\":[" + Json(root) + "]}";
        string embedded = "{\"trust\":[" + Json(pem) + "],\"revocation\":\"embedded\"}";
        Check(!Kyso.Kyso.VerifyPdf(signedPdf, embedded).Contains("\"verdict\":\"VALID\""),
            "before LtvAdd, revocation embedded: not VALID");
        string summary;
        byte[] augmented = Kyso.Kyso.LtvAdd(signedPdf, ltvOptions, out summary);
        bool prefix = augmented.Length > signedPdf.Length;
        for (int i = 0; prefix && i < signedPdf.Length; i++) prefix = augmented[i] == signedPdf[i];
        Check(prefix, "LtvAdd: the signed PDF is a prefix of the augmented one (" + augmented.Length + " bytes)");
        Check(summary.Contains("\"signatures\":1") && summary.Contains("\"crls\":2") && summary.Contains("\"uncovered\":[]"),
            "LtvAdd summary: " + summary);
        r = Kyso.Kyso.VerifyPdf(augmented, embedded);
        Check(r.Contains("\"verdict\":\"VALID\"") && r.Contains("\"origin\":\"embedded\""),
            "after LtvAdd, revocation embedded: VALID, origin embedded");
        Check(Kyso.Kyso.LtvAdd(augmented, ltvOptions).Length == augmented.Length,
            "LtvAdd again: nothing new, the file comes back unchanged");
        Check(Code(() => Kyso.Kyso.LtvAdd(signedPdf, "{\"crls\":[],\"level\":\"B-LT\"}")) == 7001,
            "LtvAdd unknown key -> code 7001");
        Check(Code(() => Kyso.Kyso.LtvAdd(null, "{}")) == 7101, "LtvAdd null PDF -> code 7101");
        Check(Code(() => Kyso.Kyso.LtvAdd(signedPdf, "{\"tsa\":\"http://127.0.0.1:9/tsa\"}")) == 5201,
            "LtvAdd with an unreachable TSA -> code 5201");

        Check(Code(() => Kyso.Kyso.VerifyPdf(signedPdf, "{\"trust\":")) == 7001, "bad JSON -> KysoException code 7001");
        Check(Code(() => Kyso.Kyso.VerifyPdf(null, "{}")) == 7101, "null PDF -> code 7101");
        Check(Code(() => Kyso.Kyso.SignPdf(plain, "{\"signer\":{\"p12\":{\"path\":\"x.p12\"}},\"level\":\"B-T\"}")) == 7002,
            "unsupported level -> code 7002");
        var truncated = new byte[100];
        Array.Copy(signedPdf, truncated, 100);
        int c = Code(() => Kyso.Kyso.VerifyPdf(truncated, options));
        Check(c != 0, "truncated PDF -> code " + c);

        // The refusal notice of the altered PDF; edXML packages (made by tests/run.d/40-bindings.sh).
        string noticeJson;
        byte[] noticePdf = Kyso.Kyso.RefusalNotice(File.ReadAllBytes(Path.Combine(outDir, "tampered.pdf")), options,
            "{\"file_name\":\"tampered.pdf\",\"sender\":\"UBND tỉnh Gia Lai\",\"place\":\"Pleiku\"}", out noticeJson);
        Check(Encoding.ASCII.GetString(noticePdf, 0, 5) == "%PDF-" && noticeJson.Contains("\"schema\":\"kyso.refusal/1\"")
            && noticeJson.Contains("Pleiku, ngày") && noticeJson.Contains("\"verdict\":\"INVALID\""),
            "RefusalNotice of tampered.pdf: PDF and JSON");
        File.WriteAllBytes(Path.Combine(outDir, "parity", "dotnet-notice.pdf"), noticePdf);
        Check(Code(() => Kyso.Kyso.RefusalNotice(File.ReadAllBytes(Path.Combine(outDir, "signed.pdf")), options, "{}",
            out noticeJson)) == 7001, "RefusalNotice of a VALID document -> code 7001");
        string pkgReport = Kyso.Kyso.VerifyEdxml(File.ReadAllBytes(Path.Combine(outDir, "package.edxml")), options);
        Check(pkgReport.Contains("\"schema\":\"kyso.edxml/1\"") && pkgReport.Contains("\"verdict\":\"VALID\"")
            && pkgReport.Contains("\"status\":\"valid\""), "VerifyEdxml: package VALID, its XML signature valid");
        Kyso.Kyso.RefusalNotice(File.ReadAllBytes(Path.Combine(outDir, "package-tampered.edxml")), options,
            "{\"file_name\":\"package-tampered.edxml\"}", out noticeJson);
        Check(noticeJson.Contains("EDXML_SIGNATURE_INVALID") && noticeJson.Contains("\"number\":\"12/UBND-VP\""),
            "RefusalNotice of an altered package: its number, the XML signature's reason");
        int nonPackage = Code(() => Kyso.Kyso.VerifyEdxml(Encoding.UTF8.GetBytes("not a package"), options));
        Check(nonPackage / 1000 == 8, "VerifyEdxml of a non-package -> code " + nonPackage);

        // Two-step signing: prepared with the certificate alone, signed by openssl (the key elsewhere),
        // finished, verified; a value over other data is refused with 5012.
        string pkiDir = Path.GetDirectoryName(Path.GetFullPath(root));
        string certPem = File.ReadAllText(Path.Combine(pkiDir, "ca-nhan.pem"));
        string prepInfo;
        byte[] prepared = Kyso.Kyso.SignPrepare(plain, "{\"signer\":{\"external\":{\"certificate\":" + Json(certPem)
            + "}},\"chain\":[" + Json(chain) + "],\"reason\":\"Ký hai bước từ .NET\"}", out prepInfo);
        var tbsMatch = System.Text.RegularExpressions.Regex.Match(prepInfo, "\"to_be_signed\":\"([^\"]+)\"");
        Check(tbsMatch.Success, "SignPrepare: what to sign");
        string tbsFile = Path.Combine(outDir, "dotnet-tbs.der"), sigFile = Path.Combine(outDir, "dotnet-sig.bin");
        File.WriteAllBytes(tbsFile, Convert.FromBase64String(tbsMatch.Groups[1].Value));
        var openssl = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("openssl",
            "dgst -sha256 -sign \"" + Path.Combine(pkiDir, "ca-nhan.key.pem") + "\" -out \"" + sigFile + "\" \""
            + tbsFile + "\"") { UseShellExecute = false });
        openssl.WaitForExit();
        byte[] twoStep = Kyso.Kyso.SignFinish(prepared, File.ReadAllBytes(sigFile), "{}");
        string twoStepReport = Kyso.Kyso.VerifyPdf(twoStep, "{\"trust\":[" + Json(pem) + "],\"revocation\":\"off\"}");
        Check(twoStepReport.Contains("\"verdict\":\"VALID\"") && twoStepReport.Contains("Ký hai bước từ .NET"),
            "SignFinish with a value made by openssl: VALID");
        byte[] wrongValue = File.ReadAllBytes(sigFile);
        wrongValue[10] ^= 1;
        Check(Code(() => Kyso.Kyso.SignFinish(prepared, wrongValue, "{}")) == 5012,
            "SignFinish with a damaged value -> code 5012");

        Console.WriteLine(passed + " passed, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }
}
