#!/usr/bin/env python3
"""Regenerates test/fixtures/implicit-rejection.json: known answers for RSA PKCS#1 v1.5
decryption with implicit rejection as computed by a real OpenSSL >= 3.2 (the one bundled in
the wheels of Python `cryptography`; the system OpenSSL 3.0 and Node 20's have no implicit
rejection). Run from the repository root:

    python3 test/unit/native/make-implicit-rejection.py

Keys: @barbara's demo encryption key (test/fixtures/vectors/demo_keys.json, 2048 bits) plus
a 1024-bit and a 3072-bit key generated here and stored in the output, so the synthetic
length mask is exercised for three modulus sizes. Ciphertexts are raw RSA (m^e mod n) of
chosen encoded messages; a fixed seed drives their random parts.
"""
import base64
import json
import random

from cryptography.hazmat.backends.openssl import backend
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import load_der_private_key

OUT = 'test/fixtures/implicit-rejection.json'
demo = json.load(open('test/fixtures/vectors/demo_keys.json', encoding='utf-8'))
rng = random.Random(0x1A7A6E17)


def der(key):
    return base64.b64encode(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())).decode()


keys = {
    'demo_keys.@barbara.encryptionPrivateKey': demo['atSigns']['@barbara']['encryptionPrivateKey'],
    'generated-1024': der(rsa.generate_private_key(public_exponent=65537, key_size=1024)),
    'generated-3072': der(rsa.generate_private_key(public_exponent=65537, key_size=3072)),
}


def nonzero(n):
    return bytes(rng.randrange(1, 256) for _ in range(n))


def anybytes(n):
    return bytes(rng.randrange(256) for _ in range(n))


def encoded_messages(k):
    yield 'valid: 44-byte message (control)', b'\x00\x02' + nonzero(k - 47) + b'\x00' + b'K' * 44
    yield 'bad: block type 1', b'\x00\x01' + nonzero(k - 47) + b'\x00' + b'K' * 44
    yield 'bad: 7 padding bytes', b'\x00\x02' + nonzero(7) + b'\x00' + anybytes(k - 10)
    yield 'bad: no zero separator', b'\x00\x02' + nonzero(k - 2)
    yield 'bad: second byte 0x00', b'\x00\x00' + nonzero(k - 47) + b'\x00' + b'K' * 44
    for i in range(4):
        yield f'bad: random encoded message {i}', b'\x00' + anybytes(k - 1)


cases = []
for name, key_b64 in keys.items():
    key = load_der_private_key(base64.b64decode(key_b64), password=None)
    n = key.private_numbers().public_numbers.n
    e = key.private_numbers().public_numbers.e
    k = (n.bit_length() + 7) // 8
    for note, em in encoded_messages(k):
        ciphertext = pow(int.from_bytes(em, 'big'), e, n).to_bytes(k, 'big')
        cases.append({
            'key': name,
            'note': note,
            'ciphertextBase64': base64.b64encode(ciphertext).decode(),
            'plaintextBase64': base64.b64encode(key.decrypt(ciphertext, padding.PKCS1v15())).decode(),
        })

json.dump({
    'description': 'RSA PKCS#1 v1.5 decryption with implicit rejection: for bad padding OpenSSL >= 3.2 '
                   'returns a deterministic synthetic message (see native/src/rsa_pkcs1.h). '
                   'keys are base64 PKCS#8 DER.',
    'generator': 'test/unit/native/make-implicit-rejection.py',
    'openssl': backend.openssl_version_text(),
    'keys': keys,
    'cases': cases,
}, open(OUT, 'w', encoding='utf-8'), indent=2)
print(f'{len(cases)} cases from {backend.openssl_version_text()} written to {OUT}')
