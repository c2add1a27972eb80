# SPDX-License-Identifier: Apache-2.0
"""Throw-away X.509 material for the emulator's tests and demos, made with `cryptography`.

    root = make_ca("Test Root")
    inter = make_ca("Test Intermediate", issuer=root)
    leaf = make_leaf(["www.example.com", "*.example.com"], issuer=inter)
    leaf.cert_pem, leaf.key_pem, chain_pem(inter)          # strings, PEM

Nothing here is secret or trusted by anything; keys are small where the rules allow it so tests
stay fast.
"""

import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_KEY_CACHE = {}


def new_key(kind="ec", size=2048, cache=True):
    """kind: "ec" (P-256), "ec384" (P-384), "rsa" (size bits). Cached per kind so a test run
    generates each key type once; pass cache=False for a distinct key."""
    ck = (kind, size)
    if cache and ck in _KEY_CACHE:
        return _KEY_CACHE[ck]
    if kind == "ec":
        key = ec.generate_private_key(ec.SECP256R1())
    elif kind == "ec384":
        key = ec.generate_private_key(ec.SECP384R1())
    elif kind == "rsa":
        key = rsa.generate_private_key(public_exponent=65537, key_size=size)
    else:
        raise ValueError(kind)
    if cache:
        _KEY_CACHE[ck] = key
    return key


class Issued:
    """A certificate with its key, as objects and as PEM text."""

    def __init__(self, cert, key):
        self.cert = cert
        self.key = key

    @property
    def cert_pem(self):
        return self.cert.public_bytes(serialization.Encoding.PEM).decode("ascii")

    @property
    def key_pem(self):
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode("ascii")

    def encrypted_key_pem(self, password=b"secret"):
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(password),
        ).decode("ascii")


def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def make_ca(cn, issuer=None, key=None, not_before=None, days=3650):
    key = key or new_key("ec", cache=False)
    nb = not_before or (_now() - datetime.timedelta(days=1))
    b = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(issuer.cert.subject if issuer else _name(cn))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(nb)
        .not_valid_after(nb + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    signer = issuer.key if issuer else key
    return Issued(b.sign(signer, hashes.SHA256()), key)


def make_leaf(names, issuer, key=None, key_kind="ec", not_before=None, days=90, cn=None):
    """A TLS server certificate for names (the DNS SANs; CN is the first name unless cn given)."""
    key = key or new_key(key_kind)
    nb = not_before or (_now() - datetime.timedelta(hours=1))
    b = (
        x509.CertificateBuilder()
        .subject_name(_name(cn or names[0]))
        .issuer_name(issuer.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(nb)
        .not_valid_after(nb + datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    )
    return Issued(b.sign(issuer.key, hashes.SHA256()), key)


def chain_pem(*issued):
    return "".join(i.cert_pem for i in issued)


class Pki:
    """A root, an intermediate under it, and a helper for leaves under the intermediate."""

    def __init__(self, prefix="Emulator Test"):
        self.root = make_ca(f"{prefix} Root")
        self.inter = make_ca(f"{prefix} Intermediate", issuer=self.root)

    def leaf(self, names, **kw):
        return make_leaf(names, self.inter, **kw)

    @property
    def chain(self):
        """The chain IAM wants: the leaf's issuer first, then up (root left out)."""
        return chain_pem(self.inter)
