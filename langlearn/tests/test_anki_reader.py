"""langlearn.anki: the bounded reader, the small protobuf decoder, field HTML ↔ text."""

import io
import re
import time
import zipfile

import pytest

from langlearn.anki import protobuf
from langlearn.anki.reader import AnkiFormatError, Limits, open_package
from langlearn.anki.text import field_to_text, text_to_field


def bomb(mib: int) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("collection.anki21", "w", force_zip64=True) as member,
    ):
        block = bytes(1 << 20)
        for _ in range(mib):
            member.write(block)
    return out.getvalue()


def test_a_small_package_holding_a_huge_collection_stops_at_the_ratio_cap():
    data = bomb(1024)  # 1 GiB of zeros in ~1 MiB
    assert len(data) < 2 * 1024 * 1024
    started = time.perf_counter()
    with pytest.raises(AnkiFormatError) as caught:
        open_package(data)
    elapsed = time.perf_counter() - started
    # 100 x the member's compressed size (just under 1 MiB)
    assert re.fullmatch(r"the collection is larger than (9\d|100) MiB once decompressed", caught.value.message)
    assert caught.value.code == "too_large"
    print(f"1 GiB collection in a {len(data) / 1e6:.1f} MB package refused after {elapsed:.2f}s")


def test_caps_are_the_smaller_of_the_absolute_and_the_ratio():
    limits = Limits(collection_bytes=512 << 20)
    assert limits.collection_cap(1 << 20) == 100 << 20
    assert limits.collection_cap(10) == 64 << 20  # the floor, for small packages
    assert limits.collection_cap(100 << 20) == 512 << 20


def test_protobuf_fields_and_errors():
    entry = b"\x0a\x05a.mp3\x10\x07\x1a\x02\xff\xee"
    assert list(protobuf.fields(entry)) == [(1, b"a.mp3"), (2, 7), (3, b"\xff\xee")]
    assert protobuf.first(b"\x08\x03", 1) == 3
    assert protobuf.encode_varint(300) == b"\xac\x02"
    with pytest.raises(protobuf.ProtobufError):
        list(protobuf.fields(b"\x0a\x09short"))
    with pytest.raises(protobuf.ProtobufError):
        list(protobuf.fields(b"\x0b"))  # wire type 3 (groups) is not Anki's


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("hola<br>dos", "hola\ndos"),
        ("<div>uno</div><div>dos</div>", "uno\ndos"),
        ("x &amp; <b>y</b>  z [sound:a.mp3]", "x & y z"),
        ("line1<br/>\n line2", "line1\nline2"),
        ("plain\ntext", "plain\ntext"),
    ],
)
def test_field_html_to_text_keeps_line_breaks(html, text):
    assert field_to_text(html) == text
    assert field_to_text(text_to_field(text)) == text


def test_text_to_field_escapes_and_breaks():
    assert text_to_field("a < b\nc & d") == "a &lt; b<br>c &amp; d"
