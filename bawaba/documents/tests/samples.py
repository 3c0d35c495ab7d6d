"""Real sample files, built here: valid ones, and the hostile or broken ones the validation must refuse."""

import io

import pikepdf
from PIL import Image

# The EICAR anti-virus test file: harmless, and detected as a virus by every scanner by convention.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def pdf(pages: int = 1, build=None, **save_options) -> bytes:
    """A real PDF of `pages` blank pages; `build(pdf)` may add to it before it is saved."""
    document = pikepdf.new()
    for _ in range(pages):
        document.add_blank_page(page_size=(595, 842))
    if build is not None:
        build(document)
    out = io.BytesIO()
    document.save(out, **save_options)
    return out.getvalue()


def pdf_with_javascript() -> bytes:
    def build(document):
        document.Root.OpenAction = document.make_indirect(
            pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('hello');"))
        )

    return pdf(build=build)


def pdf_with_javascript_in_a_link() -> bytes:
    """The script hidden in a link annotation's action, not in the catalogue."""

    def build(document):
        action = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("this.exportDataObject();"))
        annotation = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 100, 100], A=action
        )
        document.pages[0].Annots = document.make_indirect(pikepdf.Array([document.make_indirect(annotation)]))

    return pdf(build=build)


def pdf_with_link(uri: str) -> bytes:
    def build(document):
        action = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String(uri))
        annotation = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 100, 100], A=action
        )
        document.pages[0].Annots = pikepdf.Array([document.make_indirect(annotation)])

    return pdf(build=build)


def pdf_with_launch_action() -> bytes:
    def build(document):
        document.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))

    return pdf(build=build)


def pdf_with_page_open_action() -> bytes:
    """'Open at page 1, fit the page': a destination, not an action; many tools write it."""

    def build(document):
        document.Root.OpenAction = pikepdf.Array([document.pages[0].obj, pikepdf.Name.Fit])

    return pdf(build=build)


def pdf_with_additional_actions() -> bytes:
    def build(document):
        document.pages[0].AA = pikepdf.Dictionary(
            O=pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=[0, pikepdf.Name.Fit])
        )

    return pdf(build=build)


def pdf_with_embedded_file() -> bytes:
    def build(document):
        document.attachments["invoice.exe"] = pikepdf.AttachedFileSpec(document, b"MZ not really a program")

    return pdf(build=build)


def pdf_with_xfa() -> bytes:
    def build(document):
        document.Root.AcroForm = pikepdf.Dictionary(
            Fields=pikepdf.Array(), XFA=document.make_stream(b"<xdp:xdp></xdp:xdp>")
        )

    return pdf(build=build)


def encrypted_pdf(user_password: str = "secret") -> bytes:  # noqa: S107 - a sample file's password
    return pdf(encryption=pikepdf.Encryption(owner="owner-secret", user=user_password))


def image(media_type: str = "image/png", size=(64, 48), mode: str = "RGB", **save_options) -> bytes:
    picture = Image.new(mode, size, color=(200, 30, 60) if mode == "RGB" else 128)
    out = io.BytesIO()
    picture.save(out, format="PNG" if media_type == "image/png" else "JPEG", **save_options)
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    """A phone photo: EXIF with the place it was taken (Rabat) and the camera's make."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (34.0, 1.0, 15.0), 3: "W", 4: (6.0, 50.0, 30.0)}
    exif[0x8825] = gps  # GPSInfo
    return image("image/jpeg", exif=exif.tobytes())


def raw_pdf(*objects: bytes, root: int = 1) -> bytes:
    """A PDF written by hand, object by object, with an exact cross-reference table (for what tools won't write,
    such as an object that nothing refers to)."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


MINIMAL_OBJECTS = (
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
)


def pdf_with_unreferenced_script() -> bytes:
    return raw_pdf(*MINIMAL_OBJECTS, b"<< /S /JavaScript /JS (app.alert(1)) >>")
