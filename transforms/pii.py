"""Pseudonymisation of personal data (names, 身份证号, 学籍号, phone numbers, e-mail).

A keyed hash (HMAC-SHA256) replaces each value before anything leaves the landing zone: the same
person hashes the same way in every source (so joins still work), and without the key nobody can
test a guessed ID-card number against the hash. Values are normalised first (NFKC, trimmed,
upper-case for the ID-card check letter X)."""
from __future__ import annotations

import hashlib
import hmac
import unicodedata

import pyarrow as pa

from transforms.settings import pii_key


def normalise(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().upper()


def pseudonymise(value: str | None, key: bytes | None = None) -> str | None:
    if value is None or value == "":
        return None
    return hmac.new(key or pii_key(), normalise(value).encode(), hashlib.sha256).hexdigest()


def mask(value: str | None, kind: str) -> str | None:
    """What a quarantine row may show of a personal value: its kind and length, nothing else."""
    if value is None:
        return None
    return f"<{kind}:{len(value)} chars>"


def register_udfs(con) -> None:
    """wudu_pii(text) in DuckDB, vectorised over Arrow arrays."""
    key = pii_key()

    def _hash(arr: pa.Array) -> pa.Array:
        return pa.array([pseudonymise(v, key) for v in arr.to_pylist()], pa.string())

    try:
        con.remove_function("wudu_pii")
    except Exception:  # not registered on this connection yet
        pass
    con.create_function("wudu_pii", _hash, ["VARCHAR"], "VARCHAR", type="arrow",
                        null_handling="special", side_effects=False)
