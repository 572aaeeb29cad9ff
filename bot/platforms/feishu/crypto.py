"""Decrypting Feishu's encrypted events (AES-256-CBC, key = SHA-256 of the encrypt key).

The same scheme as lark-oapi's `AESCipher`, written here so that serving Feishu events
does not import lark-oapi: that import alone takes seconds and over 100 MB, paid by
every worker at start-up although only the long connection (`ws.py`) needs the SDK.
"""
from __future__ import annotations

import base64
import binascii
import hashlib

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 16


class EventCipher:
    def __init__(self, key: str | bytes) -> None:
        raw = key.encode("utf-8") if isinstance(key, str) else key
        self.digest = hashlib.sha256(raw).digest()

    def decrypt(self, enc: bytes) -> bytes:
        """Plain bytes; ValueError for a wrong length, key or padding."""
        if len(enc) < BLOCK * 2 or len(enc) % BLOCK:
            raise ValueError("invalid ciphertext length")
        decryptor = Cipher(algorithms.AES(self.digest), modes.CBC(enc[:BLOCK])).decryptor()
        plain = decryptor.update(enc[BLOCK:]) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise ValueError("invalid PKCS7 padding")
        return plain[:-pad]

    def decrypt_str(self, enc: str) -> str:
        try:
            data = base64.b64decode(enc)
        except binascii.Error as exc:
            raise ValueError("invalid base64") from exc
        return self.decrypt(data).decode("utf-8")
