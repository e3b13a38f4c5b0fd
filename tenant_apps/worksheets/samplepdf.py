"""A small text PDF written by hand (no PDF library needed): the demo's printed worksheet, and the tests'.

Helvetica, one line a string, A4; enough for pdfplumber to read the words and their positions.
"""


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_pdf(lines: list[str], *, size: int = 14) -> bytes:
    commands = ["BT", f"/F1 {size} Tf", f"{size * 1.8:.0f} TL", "60 780 Td"]
    for line in lines:
        commands.append(f"({_escape(line)}) Tj T*")
    commands.append("ET")
    stream = "\n".join(commands).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


PRINTED_WORKSHEET = [
    "Present Simple: fill in the gaps.",
    "",
    "1. She ________ (to work) in a bank.",
    "2. They ________ (to live) in Moscow.",
    "3. He ________ (to like) tea.",
    "",
    "Tick the true sentence: The sun is hot. (   )",
    "4. We ......... (to play) football on Sundays.",
]
