#!/usr/bin/env python3
"""Make an edXML package (QCVN 102:2016) holding documents, signed by xmlsec1 (the reference
XMLDSig implementation, an independent signer) with an enveloped, exclusive-c14n signature.

    make-package.py OUT.edxml --attach A.pdf [--attach B.docx …] [--from H21] [--to G11.07.05 …]
        [--number 12 --notation UBND-VP] [--subject TEXT] [--zip]
        [--sign KEY.pem CERT.pem [CHAIN.pem …]] [--covers package|header|body] [--alg rsa-sha256|ecdsa-sha256]

The layout follows what gateways write: `edXML/edXMLEnvelope/{edXMLHeader, edXMLBody}` and
`edXML/AttachmentEncoded/Attachment/ContentTransferEncoded` (base64, zipped with --zip), the
header signature inside edXMLHeader. Test data only.
"""
import argparse
import base64
import io
import os
import subprocess
import sys
import tempfile
import uuid
import zipfile
from xml.sax.saxutils import escape

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
DSIG = "http://www.w3.org/2000/09/xmldsig#"


def organ(tag, organ_id, name):
    return (f"<edXML:{tag}><edXML:OrganId>{escape(organ_id)}</edXML:OrganId>"
            f"<edXML:OrganName>{escape(name)}</edXML:OrganName></edXML:{tag}>")


def signature_template(ref_uri, alg):
    sig_method = {"rsa-sha256": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                  "ecdsa-sha256": "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"}[alg]
    return f"""<Signature xmlns="{DSIG}">
<SignedInfo>
<CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
<SignatureMethod Algorithm="{sig_method}"/>
<Reference URI="{ref_uri}">
<Transforms>
<Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
<Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
</Transforms>
<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
<DigestValue/>
</Reference>
</SignedInfo>
<SignatureValue/>
<KeyInfo><X509Data/></KeyInfo>
</Signature>"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--attach", action="append", default=[])
    ap.add_argument("--from", dest="from_id", default="H21")
    ap.add_argument("--to", action="append", default=[])
    ap.add_argument("--number", default="12")
    ap.add_argument("--notation", default="UBND-VP")
    ap.add_argument("--subject", default="V/v triển khai chữ ký số chuyên dùng công vụ")
    ap.add_argument("--zip", action="store_true")
    ap.add_argument("--sign", nargs="+", metavar="PEM")
    ap.add_argument("--covers", choices=["package", "header", "body"], default="package")
    ap.add_argument("--alg", default="rsa-sha256")
    a = ap.parse_args()
    to = a.to or ["G11.07.05"]

    refs, encoded = [], []
    for path in a.attach:
        name = os.path.basename(path)
        data = open(path, "rb").read()
        if a.zip:
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr(name, data)
            data = buf.getvalue()
        cid = str(uuid.uuid4())
        ctype = "application/pdf" if name.lower().endswith(".pdf") else "application/octet-stream"
        refs.append(f"<edXML:Reference><edXML:ContentId>cid:{cid}</edXML:ContentId>"
                    f"<edXML:ContentType>{ctype}</edXML:ContentType>"
                    f"<edXML:AttachmentName>{escape(name)}</edXML:AttachmentName></edXML:Reference>")
        b64 = base64.encodebytes(data).decode()  # 76-column lines, as gateways write
        encoded.append(f"<edXML:Attachment><edXML:ContentId>cid:{cid}</edXML:ContentId>"
                       f"<edXML:AttachmentName>{escape(name)}</edXML:AttachmentName>"
                       f"<edXML:ContentType>{ctype}</edXML:ContentType>"
                       f"<edXML:ContentTransferEncoded>{b64}</edXML:ContentTransferEncoded></edXML:Attachment>")

    header_id = ' Id="edxml-header"' if a.covers == "header" else ""
    body_id = ' Id="edxml-body"' if a.covers == "body" else ""
    ref_uri = {"package": "", "header": "#edxml-header", "body": "#edxml-body"}[a.covers]
    sig = signature_template(ref_uri, a.alg) if a.sign else ""
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<edXML:edXML xmlns:edXML="{NS}">
<edXML:edXMLEnvelope>
<edXML:edXMLHeader{header_id}>
<edXML:MessageHeader>
{organ("From", a.from_id, "Ủy ban nhân dân tỉnh Gia Lai")}
{"".join(organ("To", t, "Cơ quan nhận " + t) for t in to)}
<edXML:DocumentId>{uuid.uuid4()}</edXML:DocumentId>
<edXML:Code><edXML:CodeNumber>{escape(a.number)}</edXML:CodeNumber><edXML:CodeNotation>{escape(a.notation)}</edXML:CodeNotation></edXML:Code>
<edXML:PromulgationInfo><edXML:Place>Gia Lai</edXML:Place><edXML:PromulgationDate>2026/12/01</edXML:PromulgationDate></edXML:PromulgationInfo>
<edXML:DocumentType><edXML:Type>1</edXML:Type><edXML:TypeName>Công văn</edXML:TypeName></edXML:DocumentType>
<edXML:Subject>{escape(a.subject)}</edXML:Subject>
<edXML:SignerInfo><edXML:Position>Chủ tịch</edXML:Position><edXML:FullName>Nguyễn Văn An</edXML:FullName></edXML:SignerInfo>
</edXML:MessageHeader>
<edXML:TraceHeaderList><edXML:TraceHeader><edXML:OrganId>{escape(a.from_id)}</edXML:OrganId><edXML:Timestamp>2026/12/01 08:00:00</edXML:Timestamp></edXML:TraceHeader></edXML:TraceHeaderList>
{sig}
</edXML:edXMLHeader>
<edXML:edXMLBody{body_id}><edXML:edXMLManifest version="1.0">{"".join(refs)}</edXML:edXMLManifest></edXML:edXMLBody>
</edXML:edXMLEnvelope>
<edXML:AttachmentEncoded>{"".join(encoded)}</edXML:AttachmentEncoded>
</edXML:edXML>
"""
    if not a.sign:
        open(a.out, "w", encoding="utf-8").write(xml)
        return
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False, encoding="utf-8") as t:
        t.write(xml)
    try:
        cmd = ["xmlsec1", "--sign", "--output", a.out, "--privkey-pem", ",".join(a.sign)]
        if a.covers == "header":
            cmd += ["--id-attr:Id", f"{NS}:edXMLHeader"]
        if a.covers == "body":
            cmd += ["--id-attr:Id", f"{NS}:edXMLBody"]
        subprocess.run(cmd + [t.name], check=True)
    finally:
        os.unlink(t.name)


if __name__ == "__main__":
    sys.exit(main())
