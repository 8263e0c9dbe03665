package vn.kyso;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tests of the Java binding (run by bindings/java/run-tests.sh):
 * KysoTest OUT ROOT.pem PKCS11_MODULE AT CHAIN.pem PLAIN.pdf
 * where OUT holds signed.pdf and tampered.pdf; writes OUT/parity/java-{signed,tampered}.json. The test PKI's other
 * files are read next to ROOT.pem; KYSO_P12_PASSWORD is the password of its ca-nhan.p12.
 */
public final class KysoTest {
    private static int passed;
    private static int failed;

    private static void check(boolean ok, String what) {
        System.out.println((ok ? "ok   " : "FAIL ") + what);
        if (ok) {
            passed++;
        } else {
            failed++;
        }
    }

    static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': break;
                default: b.append(c);
            }
        }
        return b.append('"').toString();
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        String root = args[1], module = args[2], at = args[3], chain = args[4];
        byte[] plain = Files.readAllBytes(Path.of(args[5]));
        String options = "{\"trust\":[" + json(root) + "],\"revocation\":\"off\",\"at\":" + json(at) + "}";

        check(Kyso.abiVersion() == 1, "abi version 1");
        check(!Kyso.version().isEmpty(), "version " + Kyso.version());

        for (String name : new String[] {"signed", "tampered"}) {
            String report = Kyso.verifyPdf(Files.readAllBytes(out.resolve(name + ".pdf")), options);
            Files.writeString(out.resolve("parity/java-" + name + ".json"), report + "\n", StandardCharsets.UTF_8);
            String want = name.equals("signed") ? "\"verdict\":\"VALID\"" : "\"verdict\":\"INVALID\"";
            check(report.contains(want), name + ".pdf: " + want);
        }

        String pem = Files.readString(Path.of(root));
        String signOptions = "{\"signer\":{\"pkcs11\":{\"module\":" + json(module)
                + ",\"token\":\"kyso-test\",\"key_label\":\"ca-nhan\",\"pin\":\"1234\"}},\"level\":\"B-B\","
                + "\"reason\":\"Ký từ Java\",\"chain\":[" + json(chain) + "]}";
        byte[] signed = Kyso.signPdf(plain, signOptions);
        check(signed.length > plain.length, "signed through SoftHSM: " + signed.length + " bytes");
        String report = Kyso.verifyPdf(signed, "{\"trust\":[" + json(pem) + "],\"revocation\":\"off\"}");
        check(report.contains("\"verdict\":\"VALID\"") && report.contains("Ký từ Java"),
                "the Java-signed PDF verifies VALID (trust as PEM text), reason kept in UTF-8");

        // Signing with the result: the field and the warnings (none: nothing was assumed).
        Kyso.SignResult sr = Kyso.signPdfWithResult(plain, signOptions);
        byte[] srPdf = sr.pdf();
        check(srPdf.length > plain.length && java.util.Arrays.equals(srPdf, 0, plain.length, plain, 0, plain.length),
                "signPdfWithResult: the input is a prefix of the signed PDF (" + srPdf.length + " bytes)");
        check(sr.resultJson().contains("\"warnings\":[]") && sr.resultJson().contains("\"field\":\"Signature1\""),
                "signPdfWithResult result: " + sr.resultJson());
        try {
            Kyso.signPdfWithResult(plain, "{\"signer\":{\"p12\":{\"path\":\"x.p12\"}},\"profile\":\"stamp\"}");
            check(false, "signPdfWithResult with an unsupported profile throws");
        } catch (KysoException e) {
            check(e.code() == 7002, "signPdfWithResult unsupported profile -> code 7002");
        }

        // Certificates on their own: the test PKI next to ROOT.pem; CHAIN.pem starts with the issuing CA.
        Path pki = Path.of(root).toAbsolutePath().getParent();
        byte[] leafChain = Files.readAllBytes(pki.resolve("ca-nhan.fullchain.pem"));
        byte[] ca = Files.readAllBytes(Path.of(chain));
        String certReport = Kyso.verifyCertificate(leafChain, options);
        check(certReport.contains("\"status\":\"VALID\"")
                && certReport.contains("\"purpose\":\"document-signing\"") && certReport.contains("Nguyễn Văn An"),
                "verifyCertificate: the signer's certificate (with its chain) is VALID for document signing");
        certReport = Kyso.verifyCertificate(ca, options);
        check(certReport.contains("\"status\":\"INVALID\"") && certReport.contains("KEY_USAGE_NOT_FOR_SIGNING"),
                "verifyCertificate: the issuing CA may not sign documents");
        check(Kyso.verifyCertificate(ca, "{\"purpose\":\"any\"," + options.substring(1))
                .contains("\"status\":\"VALID\""),
                "verifyCertificate (purpose any): the issuing CA chains to the root");
        try {
            Kyso.verifyCertificate(null, options);
            check(false, "verifyCertificate null certificate throws");
        } catch (KysoException e) {
            check(e.code() == 7101, "verifyCertificate null certificate -> code 7101");
        }
        String info = Kyso.inspectCertificate(Files.readAllBytes(pki.resolve("ca-nhan.pem")));
        check(info.contains("\"common_name\":\"Nguyễn Văn An\"") && info.contains("\"may_sign_documents\":true"),
                "inspectCertificate: the signer's name in UTF-8, may sign documents");
        check(Kyso.inspectCertificate(ca).contains("\"ca\":true"), "inspectCertificate: the issuing CA is a CA");
        try {
            Kyso.inspectCertificate("garbage".getBytes(StandardCharsets.US_ASCII));
            check(false, "inspectCertificate on garbage throws");
        } catch (KysoException e) {
            check(e.code() != 0, "inspectCertificate on garbage -> code " + e.code());
        }

        // The VGCA Sign Service with VGCA's JSON; the key from the PKCS#12 file next to ROOT.pem, its password in
        // KYSO_P12_PASSWORD. Operation failures are replies, not exceptions.
        Path tmp = Files.createTempDirectory("kyso-java-vgca");
        Path vgcaOut = tmp.resolve("phu-luc.pdf");
        String request = "{\"FileName\":" + json(Path.of(args[5]).toAbsolutePath().toString())
                + ",\"DocNumber\":\"125/QĐ-UBND\",\"OutputFileName\":" + json(vgcaOut.toString()) + "}";
        String vgcaOptions = "{\"signer\":{\"p12\":{\"path\":" + json(pki.resolve("ca-nhan.p12").toString())
                + ",\"password_env\":\"KYSO_P12_PASSWORD\"}}}";
        String reply = Kyso.vgca("SignAppendix", request, vgcaOptions);
        check(reply.contains("\"Status\":0") && reply.contains("\"DocumentNumber\":\"125/QĐ-UBND\"")
                && Files.isRegularFile(vgcaOut), "vgca SignAppendix -> Status 0, the signed file written: " + reply);
        if (Files.isRegularFile(vgcaOut)) {
            check(Kyso.verifyPdf(Files.readAllBytes(vgcaOut), options).contains("\"verdict\":\"VALID\""),
                    "vgca SignAppendix: the written PDF verifies VALID");
        }
        reply = Kyso.vgca("SignIncome", request, vgcaOptions);
        check(!reply.contains("\"Status\":0") && reply.contains("\"Status\":") && reply.contains("\"ErrorCode\":7001"),
                "vgca SignIncome without MetaData -> a reply with a non-zero Status, no exception: " + reply);
        try {
            Kyso.vgca(null, request, vgcaOptions);
            check(false, "vgca null operation throws");
        } catch (KysoException e) {
            check(e.code() == 7101, "vgca null operation -> code 7101");
        }
        Files.deleteIfExists(vgcaOut);
        Files.deleteIfExists(tmp);

        check(Kyso.tokenList(module).contains("\"label\":\"kyso-test\""), "token list has kyso-test");
        String inventory = Kyso.certificateInventory("{\"pkcs11_module\":" + json(module)
                + ",\"pin\":\"1234\",\"unit\":\"Sở KH&CN\",\"at\":\"2029-12-20T00:00:00Z\"}");
        check(inventory.contains("\"unit\":\"Sở KH&CN\"")
                && inventory.contains("\"total\":3,\"valid\":0,\"expiring_soon\":3"),
                "certificate inventory: the token's 3 certificates expiring soon on 2029-12-20");

        // Long-term validation, offline: the test PKI's CRLs (next to ROOT.pem), one as a DER file, one as PEM
        // text; then revocation "embedded" decides from the DSS alone.
        String ltvOptions = "{\"crls\":[" + json(pki.resolve("ca-g2.crl.der").toString()) + ","
                + json(Files.readString(pki.resolve("root-g2.crl.pem"))) + "]}";
        String embedded = "{\"trust\":[" + json(pem) + "],\"revocation\":\"embedded\"}";
        check(!Kyso.verifyPdf(signed, embedded).contains("\"verdict\":\"VALID\""),
                "before ltvAdd, revocation embedded: not VALID");
        Kyso.LtvResult ltv = Kyso.ltvAddWithSummary(signed, ltvOptions);
        byte[] augmented = ltv.pdf();
        check(augmented.length > signed.length
                && java.util.Arrays.equals(augmented, 0, signed.length, signed, 0, signed.length),
                "ltvAdd: the signed PDF is a prefix of the augmented one (" + augmented.length + " bytes)");
        check(ltv.summaryJson().contains("\"signatures\":1") && ltv.summaryJson().contains("\"crls\":2")
                && ltv.summaryJson().contains("\"uncovered\":[]"), "ltvAdd summary: " + ltv.summaryJson());
        report = Kyso.verifyPdf(augmented, embedded);
        check(report.contains("\"verdict\":\"VALID\"") && report.contains("\"origin\":\"embedded\""),
                "after ltvAdd, revocation embedded: VALID, origin embedded");
        check(java.util.Arrays.equals(Kyso.ltvAdd(augmented, ltvOptions), augmented),
                "ltvAdd again: nothing new, the file comes back unchanged");
        try {
            Kyso.ltvAdd(signed, "{\"crls\":[],\"level\":\"B-LT\"}");
            check(false, "ltvAdd with an unknown key throws");
        } catch (KysoException e) {
            check(e.code() == 7001 && e.getMessage().contains("unknown field"), "ltvAdd unknown key -> code 7001: "
                    + e.getMessage());
        }
        try {
            Kyso.ltvAdd(null, "{}");
            check(false, "ltvAdd null PDF throws");
        } catch (KysoException e) {
            check(e.code() == 7101, "ltvAdd null PDF -> code 7101");
        }
        try {
            Kyso.ltvAdd(signed, "{\"tsa\":\"http://127.0.0.1:9/tsa\"}");
            check(false, "ltvAdd with an unreachable TSA throws");
        } catch (KysoException e) {
            check(e.code() == 5201, "ltvAdd with an unreachable TSA -> code 5201");
        }

        try {
            Kyso.verifyPdf(signed, "{\"trust\":");
            check(false, "bad JSON throws");
        } catch (KysoException e) {
            check(e.code() == 7001, "bad JSON -> KysoException code 7001: " + e.getMessage());
        }
        try {
            Kyso.verifyPdf(null, "{}");
            check(false, "null PDF throws");
        } catch (KysoException e) {
            check(e.code() == 7101, "null PDF -> code 7101");
        }
        try {
            Kyso.signPdf(plain, "{\"signer\":{\"p12\":{\"path\":\"x.p12\"}},\"profile\":\"stamp\"}");
            check(false, "unsupported profile throws");
        } catch (KysoException e) {
            check(e.code() == 7002, "unsupported profile -> code 7002");
        }
        try {
            Kyso.verifyPdf(java.util.Arrays.copyOf(signed, 100), options);
            check(false, "truncated PDF throws");
        } catch (KysoException e) {
            check(e.code() != 0, "truncated PDF -> code " + e.code());
        }
        // The refusal notice of the altered PDF; edXML packages (made by tests/run.d/40-bindings.sh).
        Kyso.RefusalNotice notice = Kyso.refusalNotice(Files.readAllBytes(out.resolve("tampered.pdf")), options,
                "{\"file_name\":\"tampered.pdf\",\"sender\":\"UBND tỉnh Gia Lai\",\"place\":\"Pleiku\"}");
        byte[] noticePdf = notice.pdf();
        check(new String(noticePdf, 0, 5, StandardCharsets.ISO_8859_1).equals("%PDF-")
                && notice.json().contains("\"schema\":\"kyso.refusal/1\"") && notice.json().contains("Pleiku, ngày")
                && notice.json().contains("\"verdict\":\"INVALID\""), "refusalNotice of tampered.pdf: PDF and JSON");
        Files.write(out.resolve("parity/java-notice.pdf"), noticePdf);
        try {
            Kyso.refusalNotice(Files.readAllBytes(out.resolve("signed.pdf")), options, "{}");
            check(false, "refusalNotice of a VALID document throws");
        } catch (KysoException e) {
            check(e.code() == 7001, "refusalNotice of a VALID document -> code 7001");
        }
        String pkgReport = Kyso.verifyEdxml(Files.readAllBytes(out.resolve("package.edxml")), options);
        check(pkgReport.contains("\"schema\":\"kyso.edxml/1\"") && pkgReport.contains("\"verdict\":\"VALID\"")
                && pkgReport.contains("\"status\":\"valid\""), "verifyEdxml: package VALID, its XML signature valid");
        Kyso.RefusalNotice pkgNotice = Kyso.refusalNotice(Files.readAllBytes(out.resolve("package-tampered.edxml")),
                options, "{\"file_name\":\"package-tampered.edxml\"}");
        check(pkgNotice.json().contains("EDXML_SIGNATURE_INVALID") && pkgNotice.json().contains("\"number\":\"12/UBND-VP\""),
                "refusalNotice of an altered package: its number, the XML signature's reason");
        try {
            Kyso.verifyEdxml("not a package".getBytes(StandardCharsets.UTF_8), options);
            check(false, "verifyEdxml of a non-package throws");
        } catch (KysoException e) {
            check(e.code() / 1000 == 8, "verifyEdxml of a non-package -> code " + e.code());
        }
        // Two-step signing: prepared with the certificate alone, signed by Java's own crypto (the key from
        // ca-nhan.p12), finished, verified; a value over other data is refused with 5012.
        Path pkiDir = Path.of(root).toAbsolutePath().getParent();
        String certPem = Files.readString(pkiDir.resolve("ca-nhan.pem"));
        Kyso.Prepared prep = Kyso.signPrepare(plain, "{\"signer\":{\"external\":{\"certificate\":" + json(certPem)
                + "}},\"chain\":[" + json(chain) + "],\"reason\":\"Ký hai bước từ Java\"}");
        java.util.regex.Matcher tbsMatch = java.util.regex.Pattern.compile("\"to_be_signed\":\"([^\"]+)\"")
                .matcher(prep.infoJson());
        check(tbsMatch.find() && prep.infoJson().contains("\"signature_algorithm\":\"rsa-pkcs1-sha256\""),
                "signPrepare: what to sign, " + prep.infoJson().length() + " bytes of JSON");
        byte[] tbs = java.util.Base64.getDecoder().decode(tbsMatch.group(1));
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        char[] password = System.getenv("KYSO_P12_PASSWORD").toCharArray();
        try (java.io.InputStream in = Files.newInputStream(pkiDir.resolve("ca-nhan.p12"))) {
            ks.load(in, password);
        }
        String alias = ks.aliases().nextElement();
        java.security.Signature rsa = java.security.Signature.getInstance("SHA256withRSA");
        rsa.initSign((java.security.PrivateKey) ks.getKey(alias, password));
        rsa.update(tbs);
        byte[] value = rsa.sign();
        byte[] twoStep = Kyso.signFinish(prep.pdf(), value, "{}");
        String twoStepReport = Kyso.verifyPdf(twoStep, "{\"trust\":[" + json(pem) + "],\"revocation\":\"off\"}");
        check(twoStepReport.contains("\"verdict\":\"VALID\"") && twoStepReport.contains("Ký hai bước từ Java"),
                "signFinish with a value made by java.security: VALID");
        rsa.initSign((java.security.PrivateKey) ks.getKey(alias, password));
        rsa.update("other data".getBytes(StandardCharsets.UTF_8));
        byte[] wrong = rsa.sign();
        try {
            Kyso.signFinish(prep.pdf(), wrong, "{}");
            check(false, "signFinish with a value over other data throws");
        } catch (KysoException e) {
            check(e.code() == 5012, "signFinish with a value over other data -> code " + e.code());
        }

        KysoBuffer b = new KysoBuffer(null);
        b.close();
        b.close();
        check(true, "closing twice (and a NULL handle) is harmless");

        System.out.println(passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }
}
