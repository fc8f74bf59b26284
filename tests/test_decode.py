"""Decoding: BOMs, strict UTF-8, legacy CJK charsets, binary detection,
newline style, round-trips without data loss, output encodings."""


import pytest

import textfix
from textfix.decode import EncodeError, decode_bytes, encode_text, newline_style

ZH = "中文编码测试：你好，世界！这是一个用于检测字符集的句子，内容足够长以便判断。\n第二行也是中文。\n"
ZH_T = "中文編碼測試：你好，世界！這是一個用於檢測字符集的句子，內容足夠長以便判斷。\n第二行也是中文。\n"


def test_empty():
    r = textfix.fix_bytes(b"")
    assert r.text == "" and not r.binary and r.findings == ()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be"])
def test_unicode_forms_with_and_without_bom(encoding):
    # Without a BOM, the NUL-byte lanes of mostly-ASCII text tell the width.
    text = ZH if encoding in ("utf-8-sig", "utf-16", "utf-32") else "Plain text, with a few words: naïve.\n" * 3
    data = text.encode(encoding)
    r = textfix.fix_bytes(data)
    assert r.text == text
    assert r.to_bytes() == text.encode("utf-8")
    assert [f.kind for f in r.findings] == ["encoding"]


def test_gbk_and_big5_give_the_same_text():
    gbk = textfix.fix_bytes(ZH.encode("gbk"))
    big5 = textfix.fix_bytes(ZH_T.encode("big5"))
    assert gbk.text == ZH
    assert big5.text == ZH_T
    assert textfix.fix_text(big5.text, to="hans") == textfix.fix_text(ZH_T, to="hans")
    assert gbk.findings[0].kind == "encoding" and gbk.findings[0].applied


def test_utf8_is_not_reported():
    r = textfix.fix_bytes(ZH.encode("utf-8"))
    assert r.encoding == "utf-8" and r.findings == ()


@pytest.mark.parametrize(
    "blob",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
        b"PK\x03\x04" + b"\x00" * 40,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        b"\x00" * 1000,
        b"GIF89a\x01\x00\x01\x00\x00\xff\x00",
    ],
)
def test_binary(blob):
    r = textfix.fix_bytes(blob)
    assert r.binary and r.findings[0].kind == "binary"


def test_mixed_encodings_keep_invalid_bytes():
    data = "naïve café — ".encode("utf-8") + "é".encode("latin-1") + " end\n".encode()
    d = decode_bytes(data)
    assert d.encoding == "utf-8" and d.invalid_bytes == 1
    r = textfix.fix_bytes(data)
    assert r.to_bytes() == data  # the stray byte goes back as it came


def test_newline_style_is_kept():
    data = "line one\r\nline two cafÃ©\r\n".encode("utf-8")
    r = textfix.fix_bytes(data)
    assert r.to_bytes() == "line one\r\nline two café\r\n".encode("utf-8")
    assert r.newline == "\r\n"
    assert newline_style("a\nb\r\n") == "mixed"


def test_encode_error_names_the_character():
    with pytest.raises(EncodeError) as exc:
        encode_text("ok\nab中", "latin-1")
    assert exc.value.line == 2 and exc.value.column == 3 and exc.value.char == "中"
    assert encode_text("你好", "gbk") == "你好".encode("gbk")


def test_fix_bytes_never_raises_on_random_bytes():
    import random

    rng = random.Random(7)
    for n in (1, 2, 3, 17, 256, 4096):
        for _ in range(20):
            data = bytes(rng.randrange(256) for _ in range(n))
            r = textfix.fix_bytes(data)
            assert isinstance(r.text, str)
            if not r.binary:
                # whatever was decoded encodes back to bytes without error
                r.to_bytes(r.encoding or "utf-8") if r.encoding else None
