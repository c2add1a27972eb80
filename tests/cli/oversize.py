#!/usr/bin/env python3
"""Make the inputs over IAM's size limits that tests/fixtures has none of (limit.body,
limit.chain, limit.key), from the fixtures' CA keys, with the openssl CLI and the standard
library only.

    oversize.py FIXTURES OUTDIR

writes into OUTDIR:
  bundle-bigbody.pem   leaf (issued by int2) with 320 long SAN entries: about 23,800 characters
                       of PEM (> 16,384), + int2, int1 + leaf-rsa2048's key
  bundle-bigchain.pem  leaf issued by "libcert Test Big Intermediate" (under int1) whose 1.6 MB
                       private extension makes the chain about 2.17 M characters (> 2,097,152),
                       + that intermediate, int1, leaf-rsa2048's key
  bundle-bigkey.pem    leaf (issued by int2) for a crafted 24000-bit RSA key whose PKCS#8 PEM
                       is about 18,400 characters (> 16,384), + int2, int1 + that key. Only the
                       modulus and exponent matter (the key is matched by its public half); the
                       other components are random, never used for any operation.

OpenSSL 3.0's `x509` cannot set absolute validity dates, so each certificate is made by
`openssl x509 -new` and then its validity is rewritten to the fixtures' dates and it is
re-signed with `openssl dgst -sign` (PKCS#1 v1.5 / ECDSA, SHA-256, as the issuer's key).
"""
import base64
import os
import random
import subprocess
import sys


def der_len(n):
    if n < 0x80:
        return bytes([n])
    s = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(s)]) + s


def tlv(tag, content):
    return bytes([tag]) + der_len(len(content)) + content


def der_int(v):
    return tlv(0x02, v.to_bytes(v.bit_length() // 8 + 1, "big"))


def header(b, i):
    """(header length, content length) of the TLV at b[i]."""
    first = b[i + 1]
    if first < 0x80:
        return 2, first
    n = first & 0x7F
    return 2 + n, int.from_bytes(b[i + 2 : i + 2 + n], "big")


def children(b, start, end):
    out, i = [], start
    while i < end:
        h, n = header(b, i)
        out.append(b[i : i + h + n])
        i += h + n
    return out


def pem(label, der):
    b = base64.b64encode(der).decode()
    lines = "\n".join(b[i : i + 64] for i in range(0, len(b), 64))
    return "-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, lines, label)


def openssl(*args):
    subprocess.run(("openssl",) + args, check=True, stdout=subprocess.DEVNULL)


def redate(der_in, issuer_key, not_before, not_after, pem_out, work):
    """Rewrite the validity of a DER certificate and re-sign it with issuer_key."""
    der = open(der_in, "rb").read()
    h, n = header(der, 0)
    tbs, alg, _sig = children(der, h, h + n)
    th, tn = header(tbs, 0)
    parts = children(tbs, th, th + tn)
    at = 4 if parts[0][0] == 0xA0 else 3  # after [0] version, serial, signature, issuer
    parts[at] = tlv(0x30, tlv(0x17, not_before.encode()) + tlv(0x17, not_after.encode()))
    tbs = tlv(0x30, b"".join(parts))
    tbs_path = os.path.join(work, "tbs.der")
    open(tbs_path, "wb").write(tbs)
    sig = subprocess.run(
        ["openssl", "dgst", "-sha256", "-sign", issuer_key, tbs_path],
        check=True,
        capture_output=True,
    ).stdout
    cert = tlv(0x30, tbs + alg + tlv(0x03, b"\0" + sig))
    open(pem_out, "w").write(pem("CERTIFICATE", cert))


def make_cert(work, name, subject, pubkey, ca, ca_key, serial, ext, dates):
    cnf = os.path.join(work, name + ".cnf")
    open(cnf, "w").write("[v3]\n" + ext)
    raw = os.path.join(work, name + ".raw.der")
    openssl("x509", "-new", "-subj", subject, "-force_pubkey", pubkey, "-CA", ca, "-CAkey",
            ca_key, "-set_serial", serial, "-extfile", cnf, "-extensions", "v3", "-outform",
            "DER", "-out", raw)
    out = os.path.join(work, name + ".pem")
    redate(raw, ca_key, dates[0], dates[1], out, work)
    return out


LEAF_EXT = (
    "basicConstraints=critical,CA:FALSE\n"
    "keyUsage=critical,digitalSignature,keyEncipherment\n"
    "extendedKeyUsage=serverAuth\n"
    "subjectKeyIdentifier=hash\n"
    "authorityKeyIdentifier=keyid\n"
)
LEAF_DATES = ("251201000000Z", "260601000000Z")
SUBJECT = "/O=libcert tests/CN=www.example.com"


def cat(out, *files):
    with open(out, "w") as o:
        for f in files:
            o.write(open(f).read())


def main():
    fx, out = sys.argv[1], sys.argv[2]
    work = os.path.join(out, ".work")
    os.makedirs(work, exist_ok=True)
    f = lambda n: os.path.join(fx, n)
    leaf_pub = os.path.join(work, "leaf.pub")
    openssl("pkey", "-in", f("leaf-rsa2048.key"), "-pubout", "-out", leaf_pub)

    # limit.body: many long DNS names.
    sans = "subjectAltName=@alt\n[alt]\n" + "".join(
        "DNS.%d=host-%04d.a-rather-long-subdomain-name.example.com\n" % (i, i)
        for i in range(1, 321)
    )
    leaf = make_cert(work, "leaf-bigbody", SUBJECT, leaf_pub, f("int2.pem"), f("int2.key"),
                     "0x4001", LEAF_EXT + sans, LEAF_DATES)
    cat(os.path.join(out, "bundle-bigbody.pem"), leaf, f("int2.pem"), f("int1.pem"),
        f("leaf-rsa2048.key"))

    # limit.chain: one intermediate of 1.6 MB (an unknown non-critical extension).
    big_key = os.path.join(work, "bigint.key")
    big_pub = os.path.join(work, "bigint.pub")
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
            big_key)
    openssl("pkey", "-in", big_key, "-pubout", "-out", big_pub)
    n = 1600000
    blob = "0483" + n.to_bytes(3, "big").hex() + "a5" * n
    ca_ext = (
        "basicConstraints=critical,CA:TRUE,pathlen:0\n"
        "keyUsage=critical,keyCertSign,cRLSign\n"
        "subjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid\n"
        "1.3.6.1.4.1.55555.1=DER:" + blob + "\n"
    )
    bigint = make_cert(work, "bigint", "/O=libcert tests/CN=libcert Test Big Intermediate",
                       big_pub, f("int1.pem"), f("int1.key"), "0x4002", ca_ext,
                       ("240101000000Z", "300101000000Z"))
    leaf = make_cert(work, "leaf-bigchain", SUBJECT, leaf_pub, bigint, big_key, "0x4003",
                     LEAF_EXT + "subjectAltName=DNS:www.example.com,DNS:example.com\n",
                     LEAF_DATES)
    cat(os.path.join(out, "bundle-bigchain.pem"), leaf, bigint, f("int1.pem"),
        f("leaf-rsa2048.key"))

    # limit.key: a 24000-bit RSA key (PKCS#8), crafted.
    r = random.Random(20260101)
    bits = 24000
    mod = r.getrandbits(bits) | (1 << (bits - 1)) | 1
    comps = [mod, 65537, r.getrandbits(bits)]
    comps += [r.getrandbits(bits // 2) | (1 << (bits // 2 - 1)) for _ in range(5)]
    rsa = tlv(0x30, der_int(0) + b"".join(der_int(c) for c in comps))
    alg = tlv(0x30, tlv(0x06, bytes.fromhex("2a864886f70d010101")) + b"\x05\x00")
    key = os.path.join(work, "bigkey.key")
    pub = os.path.join(work, "bigkey.pub")
    open(key, "w").write(pem("PRIVATE KEY", tlv(0x30, der_int(0) + alg + tlv(0x04, rsa))))
    spki = tlv(0x30, alg + tlv(0x03, b"\0" + tlv(0x30, der_int(mod) + der_int(65537))))
    open(pub, "w").write(pem("PUBLIC KEY", spki))
    leaf = make_cert(work, "leaf-bigkey", SUBJECT, pub, f("int2.pem"), f("int2.key"), "0x4004",
                     LEAF_EXT + "subjectAltName=DNS:www.example.com,DNS:example.com\n",
                     LEAF_DATES)
    cat(os.path.join(out, "bundle-bigkey.pem"), leaf, f("int2.pem"), f("int1.pem"), key)


if __name__ == "__main__":
    main()
