"""Modification-analysis scenarios, generated at test time.

Usage (from tests/mdp/run.sh):  python scenarios.py OUTDIR PKIDIR

Builds an unsigned base document (two pages, a text field, an amount field, an empty signature
field, a sticky note, an image-like form XObject), signs it with pyHanko (approval, or
certification with DocMDP P=1/2/3, or with FieldMDP locks) and then changes it after signing the
way an honest tool or an attacker would: with pyHanko's incremental writer, or with raw bytes
appended to the file. Each scenario states the verdict kyso must reach and the rule it comes
from (ISO 32000-1 §12.8.2 DocMDP/FieldMDP, ISO 32000-2 §12.8.2.2, ETSI EN 319 142-1 PAdES), and
writes OUTDIR/NAME.pdf plus OUTDIR/scenarios.json.

The signer key, certificate and chain come from the test PKI (tests/pki/make-pki.sh, generated
at test time); the document time-stamps from pyHanko's in-process TSA with the PKI's TSA key.
"""

import io
import json
import re
import sys
from pathlib import Path

from asn1crypto import keys, pem, x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import NameObject as N
from pyhanko.pdf_utils.generic import Reference
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import FieldMDPAction, FieldMDPSpec, MDPPerm, SigFieldSpec
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation.dss import DocumentSecurityStore

OUT = Path(sys.argv[1])
PKI = Path(sys.argv[2])
OUT.mkdir(parents=True, exist_ok=True)


# --------------------------------------------------------------------------------------------
# The unsigned base document, written byte by byte (classic cross-reference table).

def stream(dict_body: str, data: bytes) -> bytes:
    return (f"<< {dict_body} /Length {len(data)} >>\nstream\n".encode() + data
            + b"\nendstream")


def classic_pdf(objects: dict[int, bytes], trailer: str) -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for n in sorted(objects):
        offsets[n] = len(out)
        out += f"{n} 0 obj\n".encode() + objects[n] + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += f"xref\n0 {size}\n0000000000 65535 f\r\n".encode()
    for n in range(1, size):
        if n in offsets:
            out += f"{offsets[n]:010} 00000 n\r\n".encode()
        else:
            out += b"0000000000 65535 f\r\n"
    out += f"trailer\n<< /Size {size} {trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def base_pdf(catalog_extra: str = "", sig_ap: str = "<< /N 12 0 R >>") -> bytes:
    text = b"BT /F1 20 Tf 72 760 Td (QUYET DINH so 123/QD-UBND) Tj ET\n" \
           b"BT /F1 14 Tf 72 730 Td (So tien: 1.000.000 dong) Tj ET\n" \
           b"q 1 0 0 1 400 400 cm /Im1 Do Q\n"
    objs = {
        1: f"<< /Type /Catalog /Pages 2 0 R /AcroForm 7 0 R {catalog_extra} >>".encode(),
        2: b"<< /Type /Pages /Kids [3 0 R 16 0 R] /Count 2 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
           b"/Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> "
           b"/Annots [8 0 R 14 0 R 9 0 R 10 0 R] >>",
        4: stream("", text),
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        6: stream("/Type /XObject /Subtype /Form /BBox [0 0 120 60] /Resources << /Font << /F1 5 0 R >> >>",
                  b"0 0 1 rg 0 0 120 60 re f 1 g BT /F1 12 Tf 10 25 Td (CON DAU) Tj ET"),
        7: b"<< /Fields [8 0 R 14 0 R 9 0 R] /DA (/Helv 0 Tf 0 g) /DR << /Font << /Helv 5 0 R >> >> >>",
        8: b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (Name) /V (Nguyen Van An) /F 4 "
           b"/Rect [72 600 300 625] /P 3 0 R /DA (/Helv 12 Tf 0 g) /AP << /N 11 0 R >> >>",
        9: f"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Approver) /F 4 /Rect [300 100 500 160] /P 3 0 R /AP {sig_ap} >>".encode(),
        10: b"<< /Type /Annot /Subtype /Text /Rect [520 780 540 800] /Contents (Ghi chu) /F 4 >>",
        11: stream("/Type /XObject /Subtype /Form /BBox [0 0 228 25] /Resources << /Font << /Helv 5 0 R >> >>",
                   b"/Tx BMC BT /Helv 12 Tf 2 7 Td (Nguyen Van An) Tj ET EMC"),
        12: stream("/Type /XObject /Subtype /Form /BBox [0 0 200 60] /Resources << >>", b"% blank"),
        13: b"<< /Producer (kyso tests/mdp) /Title (Quyet dinh) >>",
        14: b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (Amount) /V (1000000) /F 4 "
            b"/Rect [72 560 300 585] /P 3 0 R /DA (/Helv 12 Tf 0 g) /AP << /N 15 0 R >> >>",
        15: stream("/Type /XObject /Subtype /Form /BBox [0 0 228 25] /Resources << /Font << /Helv 5 0 R >> >>",
                   b"/Tx BMC BT /Helv 12 Tf 2 7 Td (1000000) Tj ET EMC"),
        16: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 17 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
        17: stream("", b"BT /F1 14 Tf 72 760 Td (Trang 2: Noi nhan) Tj ET"),
    }
    extra = re.findall(rb"(\d+) 0 R", catalog_extra.encode())
    if b"18" in extra:  # a second use of the empty signature field's appearance dictionary
        objs[18] = b"<< /N 12 0 R >>"
    return classic_pdf(objs, "/Root 1 0 R /Info 13 0 R "
                       "/ID [<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>]")


# --------------------------------------------------------------------------------------------
# Signing with pyHanko

def load_cert(path):
    with open(path, "rb") as f:
        data = f.read()
    certs = []
    for _, _, der in pem.unarmor(data, multiple=True):
        certs.append(x509.Certificate.load(der))
    return certs


SIGNER = signers.SimpleSigner.load(
    str(PKI / "ca-nhan.key.pem"), str(PKI / "ca-nhan.pem"),
    ca_chain_files=(str(PKI / "ca-nhan.chain.pem"),))
with open(PKI / "tsa.key.pem", "rb") as f:
    _tsa_key = keys.PrivateKeyInfo.load(pem.unarmor(f.read())[2])
TSA = DummyTimeStamper(tsa_cert=load_cert(PKI / "tsa.pem")[0], tsa_key=_tsa_key,
                       certs_to_embed=load_cert(PKI / "tsa.chain.pem"))
VISIBLE = (320, 200, 520, 260)


def sign(data: bytes, field="Sig1", box=VISIBLE, certify=False, p=None, lock=None,
         existing=False, force=False) -> bytes:
    """Sign with pyHanko; force=True signs even where pyHanko refuses to (after a DocMDP P=1
    certification), as an attacker's tool would."""
    w = IncrementalPdfFileWriter(io.BytesIO(data))
    if force:
        saved = signers.PdfSigner._enforce_certification_constraints
        signers.PdfSigner._enforce_certification_constraints = lambda self, reader: None
        try:
            return sign(data, field, box, certify, p, lock, existing)
        finally:
            signers.PdfSigner._enforce_certification_constraints = saved
    if not existing:
        fields.append_signature_field(
            w, SigFieldSpec(sig_field_name=field, box=box, on_page=0, field_mdp_spec=lock))
    meta = signers.PdfSignatureMetadata(
        field_name=field, certify=certify, subfilter=fields.SigSeedSubFilter.PADES,
        docmdp_permissions=p if p is not None else MDPPerm.FILL_FORMS,
        md_algorithm="sha256")
    out = signers.sign_pdf(w, meta, signer=SIGNER, timestamper=TSA)
    return out.getvalue()


def timestamp(data: bytes) -> bytes:
    w = IncrementalPdfFileWriter(io.BytesIO(data))
    out = io.BytesIO()
    signers.PdfTimeStamper(TSA).timestamp_pdf(w, "sha256", output=out)
    return out.getvalue()


def add_dss(data: bytes) -> bytes:
    r = PdfFileReader(io.BytesIO(data))
    contents = r.embedded_signatures[0].sig_object.raw_get("/Contents").original_bytes
    with open(PKI / "ca-g2.crl.der", "rb") as f:
        crl = f.read()
    from asn1crypto import crl as asn1crl
    out = io.BytesIO(data)
    DocumentSecurityStore.add_dss(
        out, contents, certs=load_cert(PKI / "ca-nhan.fullchain.pem"),
        crls=[asn1crl.CertificateList.load(crl)])
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# Changing a signed file

def edit(data: bytes, fn) -> bytes:
    """Run fn(writer) on an incremental writer over data and append its update."""
    w = IncrementalPdfFileWriter(io.BytesIO(data))
    fn(w)
    out = io.BytesIO()
    w.write(out)
    return data + out.getvalue()[len(data):] if out.getvalue().startswith(data) else out.getvalue()


def obj(w, n):
    return generic.IndirectObject(n, 0, w).get_object()


def new_stream(w, data: bytes, extra=None):
    s = generic.StreamObject(extra or {}, stream_data=data)
    return w.add_object(s)


def form_xobject(w, text: bytes, bbox=(0, 0, 228, 25)):
    d = generic.DictionaryObject({
        N("/Type"): N("/XObject"), N("/Subtype"): N("/Form"),
        N("/BBox"): generic.ArrayObject(generic.NumberObject(x) for x in bbox),
        N("/Resources"): generic.DictionaryObject({N("/Font"): generic.DictionaryObject(
            {N("/Helv"): generic.IndirectObject(5, 0, w)})}),
    })
    return new_stream(w, b"/Tx BMC BT /Helv 12 Tf 2 7 Td (" + text + b") Tj ET EMC", d)


def startxref(data: bytes) -> int:
    return int(re.findall(rb"startxref\s+(\d+)", data)[-1])


def raw_update(data: bytes, objects: dict, trailer_extra: str = "", free=(), prev=None,
               size=None, root=None) -> bytes:
    """Append an update with a classic xref section: objects {(num, gen) or num: body bytes},
    `free` object numbers marked free (generation bumped)."""
    r = PdfFileReader(io.BytesIO(data))
    root = root or r.trailer.raw_get("/Root").reference.idnum
    info = r.trailer.raw_get("/Info")
    out = bytearray(data)
    entries = {}
    for key, body in objects.items():
        num, gen = key if isinstance(key, tuple) else (key, 0)
        entries[num] = (len(out), gen, "n")
        out += f"{num} {gen} obj\n".encode() + body + b"\nendobj\n"
    for num in free:
        entries[num] = (0, 1, "f")
    xref = len(out)
    out += b"xref\n"
    for num in sorted(entries):
        off, gen, kind = entries[num]
        out += f"{num} 1\n{off:010} {gen:05} {kind}\r\n".encode()
    size = size or max([r.trailer["/Size"]] + [n + 1 for n in entries])
    prev = startxref(data) if prev is None else prev
    info_s = f"/Info {info.reference.idnum} 0 R" if isinstance(info, generic.IndirectObject) else ""
    out += (f"trailer\n<< /Size {size} /Root {root} 0 R {info_s} /Prev {prev} "
            f"{trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


def body_of(data: bytes, num: int) -> bytes:
    """The current body of object num (serialised by pyHanko)."""
    r = PdfFileReader(io.BytesIO(data))
    o = r.get_object(Reference(num, 0))
    buf = io.BytesIO()
    o.write_to_stream(buf, None)
    return buf.getvalue()


def next_num(data: bytes) -> int:
    return PdfFileReader(io.BytesIO(data)).trailer["/Size"]


# --------------------------------------------------------------------------------------------
# Scenarios: name -> (expected, rule, builder). expected: "VALID" or "NOT_VALID".

SCENARIOS = []


def scenario(expected, rule):
    def wrap(fn):
        SCENARIOS.append((fn.__name__, expected, rule, fn))
        return fn
    return wrap


BASE = base_pdf()
SIGNED = sign(BASE)
CERT1 = sign(BASE, certify=True, p=MDPPerm.NO_CHANGES)
CERT2 = sign(BASE, certify=True, p=MDPPerm.FILL_FORMS)
CERT3 = sign(BASE, certify=True, p=MDPPerm.ANNOTATE)


def fill_name(data, text=b"Tran Thi Binh"):
    def fn(w):
        f = obj(w, 8)
        f[N("/V")] = generic.pdf_string(text.decode())
        f[N("/AP")] = generic.DictionaryObject({N("/N"): form_xobject(w, text)})
        w.update_container(f)
    return edit(data, fn)


def fill_amount(data):
    def fn(w):
        f = obj(w, 14)
        f[N("/V")] = generic.pdf_string("9000000")
        f[N("/AP")] = generic.DictionaryObject({N("/N"): form_xobject(w, b"9000000")})
        w.update_container(f)
    return edit(data, fn)


def add_annotation(data, subtype="/FreeText", flags=4, extra=None):
    def fn(w):
        page = obj(w, 3)
        d = {N("/Type"): N("/Annot"), N("/Subtype"): N(subtype),
             N("/Rect"): generic.ArrayObject(generic.NumberObject(x) for x in (72, 720, 400, 750)),
             N("/Contents"): generic.pdf_string("So tien: 9.000.000 dong"),
             N("/F"): generic.NumberObject(flags)}
        if subtype == "/FreeText":
            d[N("/DA")] = generic.pdf_string("/Helv 14 Tf 0 g")
        d.update(extra or {})
        ref = w.add_object(generic.DictionaryObject(d))
        page["/Annots"].append(ref)
        w.update_container(page)
    return edit(data, fn)


def set_catalog(data, key, value_fn):
    def fn(w):
        root = w.root
        root[N(key)] = value_fn(w)
        w.update_root()
    return edit(data, fn)


def js_action(w):
    return w.add_object(generic.DictionaryObject({
        N("/S"): N("/JavaScript"), N("/JS"): generic.pdf_string("app.alert('hi')")}))


# ---- allowed after an approval signature (ISO 32000-1 §12.8: no DocMDP; kyso tolerates form
#      filling and signing, DSS and document time-stamps) ----

@scenario("VALID", "control: an approval signature, nothing after it")
def signed_only():
    return SIGNED


@scenario("VALID", "a second signature in a new field (signing is a permitted change)")
def second_signature_new_field():
    return sign(SIGNED, field="Sig2", box=(320, 280, 520, 340))


@scenario("VALID", "the empty signature field Approver signed later")
def second_signature_existing_field():
    return sign(SIGNED, field="Approver", existing=True)


@scenario("VALID", "an invisible second signature")
def second_signature_invisible():
    return sign(SIGNED, field="Sig2", box=None)


@scenario("VALID", "form filling: value and appearance of a text field (no DocMDP)")
def form_fill_after_approval():
    return fill_name(SIGNED)


@scenario("VALID", "document information dictionary updated (pyHanko DocInfoRule)")
def info_update():
    def fn(w):
        w.set_info(generic.DictionaryObject({N("/Title"): generic.pdf_string("Doi ten")}))
    return edit(SIGNED, fn)


@scenario("VALID", "validation data (DSS) added: PAdES B-LT, ETSI EN 319 142-1 §5.4")
def dss_added():
    return add_dss(SIGNED)


@scenario("VALID", "a document time-stamp added: PAdES B-LTA")
def doc_timestamp_added():
    return timestamp(SIGNED)


@scenario("VALID", "DSS then document time-stamp (B-LTA chain)")
def dss_then_timestamp():
    return timestamp(add_dss(SIGNED))


@scenario("VALID", "an object rewritten identically (a no-op update)")
def identical_rewrite():
    return raw_update(SIGNED, {10: body_of(SIGNED, 10)})


@scenario("VALID", "XMP metadata added to the catalog (pyHanko MetadataUpdateRule)")
def xmp_metadata_added():
    xmp = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
           b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>'
           b'<?xpacket end="w"?>')
    return set_catalog(SIGNED, "/Metadata", lambda w: new_stream(w, xmp, {
        N("/Type"): N("/Metadata"), N("/Subtype"): N("/XML")}))


# ---- certification signatures (ISO 32000-1 §12.8.2.2, Table 254) ----

@scenario("VALID", "DocMDP P=1: a document time-stamp is permitted (ISO 32000-2 §12.8.2.2.1)")
def p1_then_timestamp():
    return timestamp(CERT1)


@scenario("VALID", "DocMDP P=1: DSS is permitted")
def p1_then_dss():
    return add_dss(CERT1)


@scenario("NOT_VALID", "DocMDP P=1: no changes — form filling is not permitted")
def p1_then_form_fill():
    return fill_name(CERT1)


@scenario("NOT_VALID", "DocMDP P=1: no changes — a new signature is not permitted")
def p1_then_signature():
    return sign(CERT1, field="Sig2", box=(320, 280, 520, 340), force=True)


@scenario("NOT_VALID", "DocMDP P=1: an invisible approval signature is not permitted either")
def p1_then_invisible_signature():
    return sign(CERT1, field="Sig2", box=None, force=True)


@scenario("VALID", "DocMDP P=2: form filling permitted")
def p2_then_form_fill():
    return fill_name(CERT2)


@scenario("VALID", "DocMDP P=2: signing permitted")
def p2_then_signature():
    return sign(CERT2, field="Sig2", box=(320, 280, 520, 340))


@scenario("NOT_VALID", "DocMDP P=2: annotations are not permitted")
def p2_then_annotation():
    return add_annotation(CERT2, "/Stamp")


@scenario("VALID", "DocMDP P=3: annotations permitted")
def p3_then_annotation():
    return add_annotation(CERT3, "/FreeText")


@scenario("VALID", "DocMDP P=3: modifying an annotation is permitted")
def p3_then_annotation_modified():
    def fn(w):
        a = obj(w, 10)
        a[N("/Contents")] = generic.pdf_string("Ghi chu moi")
        w.update_container(a)
    return edit(CERT3, fn)


@scenario("NOT_VALID", "DocMDP P=3: page content is still not permitted")
def p3_then_content():
    def fn(w):
        page = obj(w, 3)
        page[N("/Contents")] = new_stream(w, b"BT /F1 20 Tf 72 760 Td (GIA MAO) Tj ET")
        w.update_container(page)
    return edit(CERT3, fn)


@scenario("NOT_VALID", "DocMDP P=2 set by the certification, then an approval signature, then "
          "an annotation: the certification forbids it for every later revision")
def p2_sign_then_annotation():
    return add_annotation(sign(CERT2, field="Sig2", box=(320, 280, 520, 340)), "/Square")


# ---- FieldMDP (ISO 32000-1 §12.8.2.4, Table 255; the field's /Lock, Table 233) ----

@scenario("NOT_VALID", "FieldMDP Include [Name]: Name changed after the locking signature")
def fieldmdp_include_violated():
    lock = FieldMDPSpec(FieldMDPAction.INCLUDE, fields=["Name"])
    return fill_name(sign(BASE, lock=lock))


@scenario("VALID", "FieldMDP Include [Name]: Amount changed, it is not locked")
def fieldmdp_include_other_field():
    lock = FieldMDPSpec(FieldMDPAction.INCLUDE, fields=["Name"])
    return fill_amount(sign(BASE, lock=lock))


@scenario("NOT_VALID", "FieldMDP All: any field changed")
def fieldmdp_all_violated():
    return fill_amount(sign(BASE, lock=FieldMDPSpec(FieldMDPAction.ALL)))


@scenario("NOT_VALID", "FieldMDP Exclude [Name]: Amount is locked")
def fieldmdp_exclude_violated():
    lock = FieldMDPSpec(FieldMDPAction.EXCLUDE, fields=["Name"])
    return fill_amount(sign(BASE, lock=lock))


@scenario("VALID", "FieldMDP Exclude [Name]: Name may change")
def fieldmdp_exclude_allowed():
    lock = FieldMDPSpec(FieldMDPAction.EXCLUDE, fields=["Name"])
    return fill_name(sign(BASE, lock=lock))


# ---- page content, pages, resources (shadow attacks, Mainka et al. 2021) ----

@scenario("NOT_VALID", "page content replaced by a new stream")
def content_replaced():
    def fn(w):
        page = obj(w, 3)
        page[N("/Contents")] = new_stream(w, b"BT /F1 20 Tf 72 760 Td (QUYET DINH GIA) Tj ET")
        w.update_container(page)
    return edit(SIGNED, fn)


@scenario("NOT_VALID", "page content appended (Contents becomes an array)")
def content_appended():
    def fn(w):
        page = obj(w, 3)
        page[N("/Contents")] = generic.ArrayObject(
            [generic.IndirectObject(4, 0, w), new_stream(w, b"BT /F1 30 Tf 72 400 Td (THEM) Tj ET")])
        w.update_container(page)
    return edit(SIGNED, fn)


@scenario("NOT_VALID", "incremental saving attack: the content stream object redefined in an "
          "unsigned update")
def content_redefined():
    return raw_update(SIGNED, {4: stream("", b"BT /F1 20 Tf 72 760 Td (NOI DUNG KHAC) Tj ET")})


@scenario("NOT_VALID", "a page added")
def page_added():
    n = next_num(SIGNED)
    return raw_update(SIGNED, {
        2: b"<< /Type /Pages /Kids [3 0 R 16 0 R %d 0 R] /Count 3 >>" % n,
        n: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
           b"/Resources << /Font << /F1 5 0 R >> >> >>" % (n + 1),
        n + 1: stream("", b"BT /F1 14 Tf 72 760 Td (Trang them) Tj ET")})


@scenario("NOT_VALID", "a page removed")
def page_removed():
    return raw_update(SIGNED, {2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"})


@scenario("NOT_VALID", "page /CropBox shrunk: most of the signed content is no longer shown")
def page_cropbox_shrunk():
    body = body_of(SIGNED, 3).replace(b"/MediaBox", b"/CropBox [0 0 300 300] /MediaBox", 1)
    return raw_update(SIGNED, {3: body})


@scenario("NOT_VALID", "page /Rotate changed after signing")
def page_rotated():
    body = body_of(SIGNED, 3).replace(b"/MediaBox", b"/Rotate 180 /MediaBox", 1)
    return raw_update(SIGNED, {3: body})


@scenario("NOT_VALID", "optional content: the stamp XObject put in a layer the catalog hides")
def optional_content_hides_xobject():
    n = next_num(SIGNED)
    ocg = f"<< /Type /OCG /Name (An) >>".encode()
    body = body_of(SIGNED, 6)
    body = body.replace(b"/Subtype /Form", f"/Subtype /Form /OC {n} 0 R".encode(), 1)
    cat = body_of(SIGNED, 1).rstrip()[:-2] + (
        f" /OCProperties << /OCGs [{n} 0 R] /D << /OFF [{n} 0 R] >> >> >>".encode())
    return raw_update(SIGNED, {n: ocg, 6: body, 1: cat})


@scenario("NOT_VALID", "a file attached through the catalog's /Names /EmbeddedFiles")
def embedded_file_added():
    def value(w):
        ef = new_stream(w, b"MZ fake executable", {N("/Type"): N("/EmbeddedFile")})
        spec = w.add_object(generic.DictionaryObject({
            N("/Type"): N("/Filespec"), N("/F"): generic.pdf_string("hoa-don.exe"),
            N("/EF"): generic.DictionaryObject({N("/F"): ef})}))
        return generic.DictionaryObject({N("/EmbeddedFiles"): generic.DictionaryObject({
            N("/Names"): generic.ArrayObject([generic.pdf_string("hoa-don.exe"), spec])})})
    return set_catalog(SIGNED, "/Names", value)


@scenario("NOT_VALID", "a link annotation with a URI action added after an approval signature")
def link_added():
    return add_annotation(SIGNED, "/Link", extra={
        N("/A"): generic.DictionaryObject({N("/S"): N("/URI"),
                                           N("/URI"): generic.pdf_string("http://127.0.0.1/")})})


@scenario("NOT_VALID", "pages reordered")
def pages_reordered():
    return raw_update(SIGNED, {2: b"<< /Type /Pages /Kids [16 0 R 3 0 R] /Count 2 >>"})


@scenario("NOT_VALID", "/Kids and /Parent tampering: page 2 moved under a new intermediate node")
def kids_parent_tampered():
    n = next_num(SIGNED)
    p2 = body_of(SIGNED, 16).replace(b"/Parent 2 0 R", b"/Parent %d 0 R" % n)
    return raw_update(SIGNED, {
        2: b"<< /Type /Pages /Kids [3 0 R %d 0 R] /Count 2 >>" % n,
        n: b"<< /Type /Pages /Parent 2 0 R /Kids [16 0 R] /Count 1 /Rotate 180 >>",
        16: p2})


@scenario("NOT_VALID", "a circular page tree (the root's /Kids refers back to the root)")
def circular_page_tree():
    return raw_update(SIGNED, {2: b"<< /Type /Pages /Kids [3 0 R 16 0 R 2 0 R] /Count 2 >>"})


@scenario("NOT_VALID", "font swapped in the page resources (shadow replace via resources)")
def font_swapped():
    n = next_num(SIGNED)
    page = body_of(SIGNED, 3).replace(b"/F1 5 0 R", b"/F1 %d 0 R" % n)
    return raw_update(SIGNED, {3: page, n: b"<< /Type /Font /Subtype /Type1 /BaseFont /Symbol >>"})


@scenario("NOT_VALID", "font object redefined in place")
def font_redefined():
    return raw_update(SIGNED, {5: b"<< /Type /Font /Subtype /Type1 /BaseFont /ZapfDingbats >>"})


@scenario("NOT_VALID", "XObject swapped in the page resources")
def xobject_swapped():
    n = next_num(SIGNED)
    page = body_of(SIGNED, 3).replace(b"/Im1 6 0 R", b"/Im1 %d 0 R" % n)
    return raw_update(SIGNED, {3: page, n: stream(
        "/Type /XObject /Subtype /Form /BBox [0 0 120 60] /Resources << /Font << /F1 5 0 R >> >>",
        b"1 0 0 rg 0 0 120 60 re f 1 g BT /F1 12 Tf 10 25 Td (GIA) Tj ET")})


@scenario("NOT_VALID", "XObject redefined in place (shadow replace via overwrite)")
def xobject_redefined():
    return raw_update(SIGNED, {6: stream(
        "/Type /XObject /Subtype /Form /BBox [0 0 120 60] /Resources << /Font << /F1 5 0 R >> >>",
        b"1 0 0 rg 0 0 120 60 re f")})


# ---- annotations after an approval signature ----

@scenario("NOT_VALID", "a FreeText annotation over the content (approval: annotations not permitted)")
def freetext_added():
    return add_annotation(SIGNED, "/FreeText")


@scenario("NOT_VALID", "a Stamp annotation added")
def stamp_added():
    return add_annotation(SIGNED, "/Stamp")


@scenario("NOT_VALID", "a hidden annotation added (/F 2): still an annotation change")
def hidden_annotation_added():
    return add_annotation(SIGNED, "/Square", flags=2)


@scenario("NOT_VALID", "an existing annotation modified after an approval signature")
def annotation_modified():
    return raw_update(SIGNED, {10: b"<< /Type /Annot /Subtype /Text /Rect [72 700 540 800] "
                                   b"/Contents (Da sua) /F 4 >>"})


@scenario("NOT_VALID", "an annotation removed after an approval signature")
def annotation_removed():
    page = body_of(SIGNED, 3).replace(b" 10 0 R", b"")
    return raw_update(SIGNED, {3: page})


# ---- form structure ----

@scenario("NOT_VALID", "a new text field added")
def new_text_field():
    def fn(w):
        page = obj(w, 3)
        f = generic.DictionaryObject({
            N("/Type"): N("/Annot"), N("/Subtype"): N("/Widget"), N("/FT"): N("/Tx"),
            N("/T"): generic.pdf_string("Extra"), N("/V"): generic.pdf_string("them"),
            N("/Rect"): generic.ArrayObject(generic.NumberObject(x) for x in (72, 500, 300, 525)),
            N("/P"): generic.IndirectObject(3, 0, w), N("/F"): generic.NumberObject(4)})
        ref = w.add_object(f)
        page["/Annots"].append(ref)
        w.update_container(page)
        form = obj(w, 7)
        form["/Fields"].append(ref)
        w.update_container(form)
    return edit(SIGNED, fn)


@scenario("NOT_VALID", "a field's type changed (/Tx to /Ch)")
def field_type_changed():
    return raw_update(SIGNED, {8: body_of(SIGNED, 8).replace(b"/FT /Tx", b"/FT /Ch")})


@scenario("NOT_VALID", "a field's rectangle moved")
def field_moved():
    return raw_update(SIGNED, {8: body_of(SIGNED, 8).replace(b"600", b"300", 1)})


@scenario("NOT_VALID", "appearance redrawn while the value stays (shadow replace with a form field)")
def appearance_without_value():
    def fn(w):
        f = obj(w, 8)
        f[N("/AP")] = generic.DictionaryObject({N("/N"): form_xobject(w, b"Le Van Gia")})
        w.update_container(f)
    return edit(SIGNED, fn)


@scenario("NOT_VALID", "the signed signature's value (/V) replaced")
def signature_value_swapped():
    r = PdfFileReader(io.BytesIO(SIGNED))
    field = r.embedded_signatures[0].sig_field.container_ref.idnum
    n = next_num(SIGNED)
    body = re.sub(rb"/V \d+ 0 R", b"/V %d 0 R" % n, body_of(SIGNED, field))
    return raw_update(SIGNED, {field: body, n: b"<< /Type /Sig /Filter /Adobe.PPKLite >>"})


@scenario("NOT_VALID", "an empty signature field's appearance changed without signing it")
def empty_sigfield_appearance_changed():
    return raw_update(SIGNED, {12: stream("/Type /XObject /Subtype /Form /BBox [0 0 200 60] "
                                          "/Resources << >>", b"1 0 0 rg 0 0 200 60 re f")})


# ---- sneaky signatures (Rohlmann et al. 2021) ----

@scenario("NOT_VALID", "sneaky signature: the empty field's indirect /AP is also used from the "
          "catalog; signing the field later replaces it")
def sneaky_ap_shared_catalog():
    base = base_pdf(catalog_extra="/FooBar 18 0 R", sig_ap="18 0 R")
    signed = sign(base)
    return sign(signed, field="Approver", existing=True)


@scenario("NOT_VALID", "sneaky signature: the empty field's appearance stream is also a page "
          "XObject and is rewritten in place")
def sneaky_ap_stream_is_page_xobject():
    signed = sign(raw_update(BASE, {3: body_of(BASE, 3).replace(
        b"/Im1 6 0 R", b"/Im1 6 0 R /Im2 12 0 R")}))
    return raw_update(signed, {12: stream("/Type /XObject /Subtype /Form /BBox [0 0 200 60] "
                                          "/Resources << >>", b"0 0 1 rg 0 0 200 60 re f")})


# ---- catalog ----

@scenario("NOT_VALID", "catalog /OpenAction with JavaScript added")
def open_action_added():
    return set_catalog(SIGNED, "/OpenAction", js_action)


@scenario("NOT_VALID", "catalog /AA (additional actions) added")
def catalog_aa_added():
    return set_catalog(SIGNED, "/AA", lambda w: generic.DictionaryObject({N("/WC"): js_action(w)}))


@scenario("NOT_VALID", "JavaScript added to the /Names tree")
def names_javascript_added():
    return set_catalog(SIGNED, "/Names", lambda w: generic.DictionaryObject({
        N("/JavaScript"): generic.DictionaryObject({N("/Names"): generic.ArrayObject(
            [generic.pdf_string("x"), js_action(w)])})}))


@scenario("NOT_VALID", "the form's /NeedAppearances set to true (viewers redraw every field)")
def need_appearances_set():
    def fn(w):
        form = obj(w, 7)
        form[N("/NeedAppearances")] = generic.BooleanObject(True)
        w.update_container(form)
    return edit(SIGNED, fn)


@scenario("NOT_VALID", "trailer /Root pointed to a new catalog with an /OpenAction")
def catalog_replaced():
    n = next_num(SIGNED)
    cat = body_of(SIGNED, 1)[:-2] + b" /OpenAction %d 0 R >>" % (n + 1)
    return raw_update(SIGNED, {n: cat, n + 1: b"<< /S /JavaScript /JS (app.alert(1)) >>"},
                      root=n)


# ---- cross-reference tricks ----

@scenario("NOT_VALID", "an object freed after signing (the sticky note, xref entry 'f')")
def object_freed():
    return raw_update(SIGNED, {}, free=[10])


@scenario("NOT_VALID", "an object freed and its number reused with a new generation")
def freed_number_reused():
    return raw_update(SIGNED, {(10, 1): b"<< /Type /Annot /Subtype /Text /Rect [0 0 595 842] "
                                        b"/Contents (Thay the) >>"})


@scenario("NOT_VALID", "hybrid xref: an update whose /XRefStm stream redefines the page content")
def hybrid_xrefstm_hides_change():
    # The classic section is empty; only readers of /XRefStm see the new content stream.
    data = bytearray(SIGNED)
    content_off = len(data)
    data += b"4 0 obj\n" + stream("", b"BT /F1 20 Tf 72 760 Td (AN TRONG XREFSTM) Tj ET") + b"\nendobj\n"
    n = next_num(SIGNED)
    rows = b"\x01" + content_off.to_bytes(4, "big") + b"\x00"
    xs_off = len(data)
    data += (b"%d 0 obj\n" % n) + stream(f"/Type /XRef /W [1 4 1] /Index [4 1] /Size {n + 1}", rows) + b"\nendobj\n"
    xref = len(data)
    prev = startxref(SIGNED)
    data += (f"xref\n0 0\ntrailer\n<< /Size {n + 1} /Root 1 0 R /Info 13 0 R /Prev {prev} "
             f"/XRefStm {xs_off} >>\nstartxref\n{xref}\n%%EOF\n").encode()
    return bytes(data)


@scenario("NOT_VALID", "rogue back-reference: the update's /Prev points at itself and it "
          "redefines the content (must terminate, and not be VALID)")
def prev_loop():
    out = raw_update(SIGNED, {4: stream("", b"BT /F1 20 Tf 72 760 Td (VONG LAP) Tj ET")})
    own = startxref(out)
    return out[: len(SIGNED)] + out[len(SIGNED):].replace(
        b"/Prev %d" % startxref(SIGNED), b"/Prev %d" % own)


@scenario("NOT_VALID", "garbage appended after the last %%EOF redefining an object")
def trailing_object_without_xref():
    return SIGNED + b"4 0 obj\n" + stream("", b"BT /F1 20 Tf 72 760 Td (RAC) Tj ET") + b"\nendobj\n"


@scenario("NOT_VALID", "an object redefined after the signature, then a startxref that still "
          "names the signed table (readers that follow it show the signed page, readers that "
          "rebuild the table the new one)")
def object_redefined_under_the_signed_table():
    return (SIGNED + b"4 0 obj\n" + stream("", b"BT /F1 20 Tf 72 760 Td (BONG) Tj ET")
            + b"\nendobj\n" + f"startxref\n{startxref(SIGNED)}\n%%EOF\n".encode())


@scenario("NOT_VALID", "an update with its own table listing a harmless new object, and beside it "
          "a definition of the page content the table does not list (a shadow definition)")
def object_shadowed_beside_a_listed_update():
    shadow = (b"4 0 obj\n" + stream("", b"BT /F1 20 Tf 72 760 Td (BONG) Tj ET")
              + b"\nendobj\n")
    return raw_update(SIGNED + shadow, {next_num(SIGNED): b"(vo hai)"}, prev=startxref(SIGNED))


def main():
    manifest = []
    for name, expected, rule, fn in SCENARIOS:
        try:
            data = fn()
        except Exception as e:  # noqa: BLE001
            print(f"mdp: building {name} failed: {e!r}", file=sys.stderr)
            raise
        (OUT / f"{name}.pdf").write_bytes(data)
        manifest.append({"name": name, "expected": expected, "rule": rule})
    (OUT / "scenarios.json").write_text(json.dumps(manifest, indent=1))
    print(f"mdp: {len(manifest)} scenarios written to {OUT}")


if __name__ == "__main__":
    main()
