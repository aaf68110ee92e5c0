"""Pseudonymisation of personal data (names, 身份证号, 学籍号, phone numbers, e-mail).

A keyed hash (HMAC-SHA256) replaces each value before anything leaves the landing zone: the same
person hashes the same way in every source (so joins still work), and without the key nobody can
test a guessed ID-card number against the hash. Values are normalised first (NFKC, trimmed,
upper-case for the ID-card check letter X)."""
from __future__ import annotations

import re
import unicodedata

import pyarrow as pa

from transforms.settings import pii_key


def normalise(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().upper()


def pseudonymise(value: str | None, key: bytes | None = None) -> str | None:
    if value is None or value == "":
        return None
    return keyed_hasher(key or pii_key())(normalise(value))


def keyed_hasher(key: bytes):
    """HMAC-SHA256 (RFC 2104) of text under `key`, hex: the key's inner and outer pads are hashed
    once and copied per value, about 2x faster than hmac.digest, which sets the key up per call."""
    import hashlib

    ipad, opad = hmac_pads(key)
    inner = hashlib.sha256(ipad)
    outer = hashlib.sha256(opad)

    def digest(text: str) -> str:
        i = inner.copy()
        i.update(text.encode())
        o = outer.copy()
        o.update(i.digest())
        return o.hexdigest()

    return digest


def pseudonymise_array(arr: pa.Array | pa.ChunkedArray, key: bytes) -> pa.Array:
    """`pseudonymise` over an Arrow column, each distinct value hashed once (names, schools and
    classes repeat across a city's millions of rows), then spread back by position."""
    import pyarrow.compute as pc

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    distinct = pc.unique(arr)
    digest = keyed_hasher(key)
    hashed = pa.array([digest(normalise(v)) if v else None for v in distinct.to_pylist()], pa.string())
    return pc.take(hashed, pc.index_in(arr, value_set=distinct))


def mask(value: str | None, kind: str) -> str | None:
    """What a quarantine row may show of a personal value: its kind and length, nothing else."""
    if value is None:
        return None
    return f"<{kind}:{len(value)} chars>"


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """HMAC-SHA256's inner and outer key pads (RFC 2104)."""
    import hashlib

    block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block)


# Printable ASCII (space to ~): NFKC leaves it unchanged and DuckDB's upper() and trim(' ') equal
# Python's upper() and strip() on it, so such values (ID-card numbers, 学籍号, phones, e-mail) are
# hashed in SQL; anything else (names in Chinese, full-width digits, tabs) goes through Python.
_SQL_NORMALISABLE = "[ -~]*"


def register_udfs(con) -> None:
    """wudu_pii(text) in DuckDB: `pseudonymise` of each value, byte-identical to the Python one.
    Plain-ASCII values are hashed by DuckDB's sha256 over the key's pads (no Python call; a city
    roster's 1.4M ID-card numbers and phones), others by the Arrow UDF `wudu_pii_py`. The pads live
    in a temp table of this connection, passed as parameters: the key is never spelt in SQL text."""
    key = pii_key()

    def _hash(arr: pa.Array) -> pa.Array:
        return pseudonymise_array(arr, key)

    try:
        con.remove_function("wudu_pii_py")
    except Exception:  # not registered on this connection yet
        pass
    con.create_function("wudu_pii_py", _hash, ["VARCHAR"], "VARCHAR", type="arrow",
                        null_handling="special", side_effects=False)
    ipad, opad = hmac_pads(key)
    con.execute("CREATE OR REPLACE TEMP TABLE _wudu_pii_pads AS SELECT ?::BLOB AS ipad, ?::BLOB AS opad", [ipad, opad])
    con.execute(
        "CREATE OR REPLACE TEMP MACRO wudu_pii(v) AS CASE "
        "WHEN v IS NULL OR v = '' THEN NULL "
        f"WHEN regexp_full_match(v, '{_SQL_NORMALISABLE}') THEN sha256((SELECT opad FROM _wudu_pii_pads) || "
        "unhex(sha256((SELECT ipad FROM _wudu_pii_pads) || encode(upper(trim(v, ' ')))))) "
        "ELSE wudu_pii_py(v) END")
    register_scrub_udfs(con)


# --- personal data recognised by content (any text column, `_extra`, comments) ------------------
# 身份证号: 6-digit area, birth date 19xx/20xx, 3-digit sequence, check character (GB 11643)
ID_CARD_RE = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])")
# 全国学籍号: G (or L for pupils without an ID card) + 17 digits + check character
STUDENT_NO_RE = re.compile(r"(?<![0-9A-Za-z])[GLgl]\d{17}[\dXx](?![0-9A-Za-z])")
# 手机号: optional +86/0086, 11 digits from 13x-19x, spaces or hyphens allowed as 3-4-4
PHONE_RE = re.compile(r"(?<![0-9A-Za-z+])(?:(?:\+|00)86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?![0-9A-Za-z])")
# A cheap RE2 pre-filter for DuckDB: only values it matches go through Python. It must match
# wherever a detector above does (tests/unit/test_pii_prefilter.py), and little else: a looser one
# (any 11 digits in a row) matched half the xAPI statement ids (UUIDs ending in 12 digits) and sent
# 1.6M values of each id column of a city day through Python (29 s of the day's 40 s of rules).
# RE2 has no look-around: a boundary is a character that is not an ASCII letter or digit, or an end;
# separators and digits are taken wider than the detectors take them (any non-alphanumeric, any
# Unicode decimal digit).
_D, _SEP, _EDGE = r"\p{Nd}", r"[^\p{Nd}A-Za-z]?", "[^0-9A-Za-z]"
SQL_PREFILTER = (f"(?:^|{_EDGE})(?:[GLgl]?{_D}{{17}}[{_D}Xx]"  # 身份证号, 学籍号
                 f"|(?:(?:\\+|00)86{_SEP})?1[3-9]{_D}(?:{_SEP}{_D}{{4}}){{2}})"  # 手机号
                 f"(?:$|{_EDGE})")
_DETECTORS = (("id_card", ID_CARD_RE), ("student_no", STUDENT_NO_RE), ("phone", PHONE_RE))
# extra columns whose header says what they hold are hashed whole, whatever their content
HEADER_KINDS = {
    "身份证": "id_card", "身份证号": "id_card", "身份证号码": "id_card", "证件号": "id_card", "证件号码": "id_card",
    "idcard": "id_card", "学籍号": "student_no", "全国学籍号": "student_no", "studentno": "student_no",
    "手机": "phone", "手机号": "phone", "手机号码": "phone", "电话": "phone", "联系电话": "phone", "联系方式": "phone",
    "mobile": "phone", "phone": "phone", "姓名": "name", "学生姓名": "name", "教师姓名": "name", "name": "name",
    "邮箱": "email", "email": "email", "电子邮箱": "email",
}
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_card_check_ok(value: str | None) -> bool | None:
    """GB 11643 check character of an 18-character 身份证号 (ISO 7064 MOD 11-2); None if blank."""
    if value is None or value.strip() == "":
        return None
    v = normalise(value)
    if not re.fullmatch(r"\d{17}[\dX]", v):
        return False
    return _ID_CHECK[sum(int(d) * w for d, w in zip(v[:17], _ID_WEIGHTS)) % 11] == v[17]


def id_card_check_sql(expr: str) -> str:
    """`id_card_check_ok` as DuckDB SQL for a value already known to be 17 digits and a digit or X
    (no Python call per row; NULL, not an error, for anything else)."""
    total = " + ".join(f"TRY_CAST(substr({expr}, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(_ID_WEIGHTS))
    return f"(substr('{_ID_CHECK}', (({total}) % 11) + 1, 1) = substr({expr}, 18, 1))"


def normalise_code(value: str | None, kind: str) -> str | None:
    """How an ID or phone is written does not change whose it is: spaces and hyphens go, a
    +86/0086 country prefix goes, full-width digits become ASCII."""
    if value is None:
        return None
    v = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", value)).upper()
    if kind == "phone":
        v = re.sub(r"^(?:\+86|0086)(?=1\d{10}$)", "", v)
    return v


def token(kind: str, value: str, key: bytes | None = None) -> str:
    """What replaces a personal value found inside text: its kind and a short keyed hash (the
    same person gives the same token; without the key it cannot be reversed or guessed)."""
    return f"[{kind}:{pseudonymise(normalise_code(value, kind), key)[:16]}]"


def scrub_text(text: str | None, key: bytes | None = None) -> str | None:
    """Replace every ID-card number, 学籍号 and mobile number inside free text by a token."""
    if text is None:
        return None
    for kind, rx in _DETECTORS:
        text = rx.sub(lambda m, k=kind: token(k, m.group(0), key), text)
    return text


def find_in_clear(text: str | None) -> list[str]:
    """Personal values still readable in the text (used by the published-warehouse scan)."""
    if not text:
        return []
    return [m.group(0) for _, rx in _DETECTORS for m in rx.finditer(text)]


def scrub_field(header: str, value: str | None, key: bytes | None = None) -> str | None:
    """A value of an unknown (extra) column: hashed whole when its header names personal data,
    otherwise scrubbed by content."""
    kind = HEADER_KINDS.get(re.sub(r"\s+", "", unicodedata.normalize("NFKC", header)).lower())
    if kind and value:
        return token(kind, value, key)
    return scrub_text(value, key)


def register_scrub_udfs(con) -> None:
    """wudu_scrub(text) and wudu_id_card_ok(text) in DuckDB."""
    key = pii_key()

    def _scrub(arr: pa.Array) -> pa.Array:
        return pa.array([scrub_text(v, key) for v in arr.to_pylist()], pa.string())

    def _check(arr: pa.Array) -> pa.Array:
        return pa.array([id_card_check_ok(v) for v in arr.to_pylist()], pa.bool_())

    for name, fn, ret in (("wudu_scrub", _scrub, "VARCHAR"), ("wudu_id_card_ok", _check, "BOOLEAN")):
        try:
            con.remove_function(name)
        except Exception:  # not registered on this connection yet
            pass
        con.create_function(name, fn, ["VARCHAR"], ret, type="arrow", null_handling="special", side_effects=False)
