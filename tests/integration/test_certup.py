#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""certup against the emulator: one request for a fresh upload, read back with the AWS CLI;
the derived name; idempotent re-runs; a different certificate under a taken name; checks before
any request; --allow, --dry-run, --json, --tag, --key-format, --path; LimitExceeded."""

import datetime
import os
import re
import sys
import unittest

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import (  # noqa: E402
    main,
    AT,
    EmuTestCase,
    Relay,
    der_of,
    fixture,
    key_body_lines,
    make_bundle,
    openssl_sha256,
    parse_time,
    pem_ders,
    read,
    utcnow,
)
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402

LEAF = "leaf-rsa2048.pem"
GOOD = fixture("bundle-good.pem")


def derived_name(leaf_pem, dns="www.example.com", date="2026-06-01"):
    return f"{dns}-{date}-{openssl_sha256(fixture(leaf_pem))[:8]}"


class CertupUpload(EmuTestCase):

    def chain_ders(self):
        return [der_of("int2.pem"), der_of("int1.pem")]

    def test_fresh_upload_is_one_request_and_reads_back(self):
        r = self.tool("certup", *self.CHECK, "--json", GOOD)
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        name = derived_name(LEAF)
        meta = doc["ServerCertificateMetadata"]
        self.assertEqual(meta["ServerCertificateName"], name)
        self.assertEqual(meta["Path"], "/cloudfront/")
        self.assertEqual(doc["libcert"]["status"], "uploaded")
        # The common case costs one request: no listing, no get.
        self.assertEqual(self.emu.actions(), ["UploadServerCertificate"])
        self.assertEqual([e["status"] for e in self.emu.log()], [200])

        got = self.aws("iam", "get-server-certificate", "--server-certificate-name", name)
        # body == leaf, chain == [int2, int1], no root (compared as DER)
        self.assertServerCert(got, der_of(LEAF), self.chain_ders())
        self.assertNotIn(der_of("root.pem"), pem_ders(got["ServerCertificate"].get("CertificateChain", "")))
        iam_meta = got["ServerCertificate"]["ServerCertificateMetadata"]
        for k in ("ServerCertificateName", "ServerCertificateId", "Arn", "Path"):
            self.assertEqual(meta[k], iam_meta[k], k)
        self.assertEqual(parse_time(meta["Expiration"]), parse_time(iam_meta["Expiration"]))
        self.assertEqual(parse_time(meta["Expiration"]).isoformat(), "2026-06-01T00:00:00+00:00")

    def test_derived_name_and_wildcard(self):
        # The name: first DNS name, notAfter date, the first 8 hex digits of the leaf's SHA-256.
        r = self.tool("certup", *self.CHECK, fixture("bundle-wildcard.pem"))
        self.assertEqual(r.rc, 0, r)
        name = derived_name("leaf-wildcard.pem", dns="wildcard.example.com")
        self.assertRegex(name, r"^wildcard\.example\.com-2026-06-01-[0-9a-f]{8}$")
        self.assertIn(name, r.out)
        names = [m["ServerCertificateName"] for m in
                 self.iam().list_server_certificates()["ServerCertificateMetadataList"]]
        self.assertEqual(names, [name])
        got = self.iam().get_server_certificate(ServerCertificateName=name)
        self.assertServerCert(got, der_of("leaf-wildcard.pem"), self.chain_ders())

    def test_second_run_is_already_done(self):
        r1 = self.tool("certup", *self.CHECK, GOOD)
        self.assertEqual(r1.rc, 0, r1)
        self.assertIn("uploaded", r1.out)
        self.assertEqual(self.emu.actions(), ["UploadServerCertificate"])
        seq = self.emu.last_seq()

        r2 = self.tool("certup", *self.CHECK, GOOD)
        self.assertEqual(r2.rc, 0, r2)
        self.assertRegex(r2.out, r"^exists www\.example\.com-\S+ ASCA\w+\n$")  # one line
        # Exactly one UploadServerCertificate (answered 409), then one GetServerCertificate.
        self.assertEqual(self.emu.actions(since=seq), ["UploadServerCertificate", "GetServerCertificate"])
        self.assertEqual([e["status"] for e in self.emu.log(since=seq)], [409, 200])
        seq = self.emu.last_seq()

        r3 = self.tool("certup", *self.CHECK, "--json", GOOD)
        self.assertEqual(r3.rc, 0, r3)
        self.assertEqual(self.emu.actions(since=seq), ["UploadServerCertificate", "GetServerCertificate"])
        doc = r3.json()
        self.assertEqual(doc["libcert"]["status"], "exists")
        name = derived_name(LEAF)
        iam = self.iam().get_server_certificate(ServerCertificateName=name)["ServerCertificate"]
        self.assertEqual(doc["ServerCertificateMetadata"]["ServerCertificateId"],
                         iam["ServerCertificateMetadata"]["ServerCertificateId"])
        self.assertEqual(len(self.iam().list_server_certificates()["ServerCertificateMetadataList"]), 1)

    def test_different_certificate_under_the_same_name(self):
        r1 = self.tool("certup", *self.CHECK, "--name", "site", GOOD)
        self.assertEqual(r1.rc, 0, r1)
        seq = self.emu.last_seq()
        r2 = self.tool("certup", *self.CHECK, "--name", "site", fixture("bundle-rsa3072.pem"))
        self.assertEqual(r2.rc, 4, r2)
        # says what is wrong and what to do
        self.assertIn("different certificate", r2.err)
        self.assertIn("site", r2.err)
        self.assertRegex(r2.err, r"--name|delete")
        self.assertEqual(self.emu.actions(since=seq), ["UploadServerCertificate", "GetServerCertificate"])
        # nothing was replaced
        got = self.aws("iam", "get-server-certificate", "--server-certificate-name", "site")
        self.assertServerCert(got, der_of(LEAF), self.chain_ders())

        r3 = self.tool("certup", *self.CHECK, "--json", "--name", "site", fixture("bundle-rsa3072.pem"))
        self.assertEqual(r3.rc, 4, r3)
        doc = r3.json()
        self.assertEqual(doc["libcert"]["status"], "error")
        self.assertIn("different certificate", doc["libcert"]["error"]["message"])

    def test_a_failed_check_sends_nothing(self):
        r = self.tool("certup", *self.CHECK, fixture("bundle-expired.pem"))
        self.assertEqual(r.rc, 1, r)
        self.assertIn("cert.expired", r.err)
        self.assertIn("nothing uploaded", r.err)
        self.assertEqual(self.emu.log(), [])
        r = self.tool("certup", *self.CHECK, "--json", fixture("bundle-expired.pem"))
        self.assertEqual(r.rc, 1, r)
        doc = r.json()  # one document even when a check fails
        self.assertIn("cert.expired", {f["code"] for f in doc["findings"]})
        # a missing key is a failed check too: nothing goes out
        r = self.tool("certup", *self.CHECK, fixture("bundle-nokey.pem"))
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(self.emu.log(), [])
        self.assertEqual(self.iam().list_server_certificates()["ServerCertificateMetadataList"], [])

    def test_allow_lets_a_failed_check_through(self):
        # The emulator judges validity at a time when the expired fixture was still valid.
        self.set_cert_clock("2024-06-01T00:00:00Z")
        r = self.tool("certup", *self.CHECK, "--allow", "cert.expired", "--name", "old",
                      fixture("bundle-expired.pem"))
        self.assertEqual(r.rc, 0, r)
        self.assertIn("cert.expired", r.err)  # allowed, said, never silently
        self.assertEqual(self.emu.actions(), ["UploadServerCertificate"])
        got = self.iam().get_server_certificate(ServerCertificateName="old")
        self.assertServerCert(got, der_of("leaf-expired.pem"), self.chain_ders())

    def test_iam_rejection_is_exit_4_with_the_code_and_request_id(self):
        # --allow lets the expired leaf through our checks; IAM (cert clock 2026) refuses it.
        r = self.tool("certup", *self.CHECK, "--allow", "cert.expired", fixture("bundle-expired.pem"))
        self.assertEqual(r.rc, 4, r)
        self.assertRegex(r.err, r"IAM rejected UploadServerCertificate: MalformedCertificate: .+ "
                                r"\(request id [0-9a-f-]{36}\)")
        self.assertEqual(self.emu.actions(), ["UploadServerCertificate"])  # not retried
        self.assertEqual(self.iam().list_server_certificates()["ServerCertificateMetadataList"], [])

    def test_dry_run_sends_nothing_and_redacts_the_key(self):
        secret_lines = key_body_lines(GOOD)
        self.assertTrue(secret_lines)
        r = self.tool("certup", *self.CHECK, "--dry-run", GOOD)
        self.assertEqual(r.rc, 0, r)
        self.assertIn("redacted", r.out)
        self.assertIn(derived_name(LEAF), r.out)
        for text in (r.out, r.err):
            self.assertNoSecrets(text, *secret_lines)
        # what it would send: the leaf, then int2, int1
        self.assertEqual(pem_ders(r.out), [der_of(LEAF), der_of("int2.pem"), der_of("int1.pem")])

        rj = self.tool("certup", *self.CHECK, "--dry-run", "--json", GOOD)
        self.assertEqual(rj.rc, 0, rj)
        doc = rj.json()
        self.assertEqual(doc["libcert"]["status"], "dry-run")
        req = doc["libcert"]["request"]
        self.assertIn("redacted", req["PrivateKey"])
        self.assertEqual(req["Path"], "/cloudfront/")
        self.assertEqual(pem_ders(req["CertificateBody"]), [der_of(LEAF)])
        self.assertEqual(pem_ders(req["CertificateChain"]), self.chain_ders())
        for text in (rj.out, rj.err):
            self.assertNoSecrets(text, *secret_lines)
        self.assertEqual(self.emu.log(), [])
        # no credentials and no endpoint needed: nothing is sent
        r = self.tool("certup", *self.CHECK, "--dry-run", GOOD,
                      env=self.env(AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None,
                                   AWS_ENDPOINT_URL="http://127.0.0.1:9"))
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(self.emu.log(), [])

    def test_tags_are_visible_to_the_aws_cli(self):
        r = self.tool("certup", *self.CHECK, "--name", "tagged", "--tag", "env=prod",
                      "--tag", "owner=web team", GOOD)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(self.emu.actions(), ["UploadServerCertificate"])  # tags ride on the upload
        tags = self.aws("iam", "list-server-certificate-tags", "--server-certificate-name", "tagged")["Tags"]
        # the user's tags, and libcert's own upload tag naming the tool (certprune --unused keys on it)
        self.assertEqual(sorted((t["Key"], t["Value"]) for t in tags),
                         [("env", "prod"), ("libcert:uploaded", "certup"), ("owner", "web team")])
        r = self.tool("certup", *self.CHECK, "--tag", "novalue", GOOD)
        self.assertEqual(r.rc, 2, r)

    def test_upload_tag_without_user_tags(self):
        r = self.tool("certup", *self.CHECK, "--name", "plain", GOOD)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(self.emu.actions(), ["UploadServerCertificate"])
        tags = self.aws("iam", "list-server-certificate-tags", "--server-certificate-name", "plain")["Tags"]
        self.assertEqual([(t["Key"], t["Value"]) for t in tags], [("libcert:uploaded", "certup")])

    def test_49_user_tags_fit_50_do_not(self):
        # IAM takes 50 tags per certificate and libcert's upload tag is one of them.
        many = [a for i in range(49) for a in ("--tag", f"k{i:02d}=v")]
        r = self.tool("certup", *self.CHECK, "--name", "t49", *many, GOOD)
        self.assertEqual(r.rc, 0, r)
        tags = self.iam().list_server_certificate_tags(ServerCertificateName="t49", MaxItems=100)["Tags"]
        self.assertEqual(len(tags), 50)
        self.assertIn({"Key": "libcert:uploaded", "Value": "certup"}, tags)
        self.emu.clear_log()
        r = self.tool("certup", *self.CHECK, "--name", "t50", *many, "--tag", "k49=v", GOOD)
        self.assertEqual(r.rc, 2, r)
        self.assertRegex(r.err, r"50 tags: .*at most 49")
        self.assertEqual(self.emu.log(), [])  # refused before sending
        r = self.tool("certup", *self.CHECK, "--name", "own", "--tag", "LIBCERT:Uploaded=me", GOOD)
        self.assertEqual(r.rc, 2, r)
        self.assertRegex(r.err, r"libcert:uploaded")
        self.assertEqual(self.emu.log(), [])
        self.assertNotIn("t50", [m["ServerCertificateName"] for m in
                                 self.iam().list_server_certificates()["ServerCertificateMetadataList"]])

    def test_path_warning_and_default_path(self):
        r = self.tool("certup", *self.CHECK, "--name", "cf", GOOD)
        self.assertEqual(r.rc, 0, r)
        self.assertNotIn("warning", r.err)
        r = self.tool("certup", *self.CHECK, "--name", "foo", "--path", "/foo/", GOOD)
        self.assertEqual(r.rc, 0, r)  # a warning, not an error
        self.assertRegex(r.err, r"warning: .*/foo/.*not under /cloudfront/")
        r2 = self.tool("certup", *self.CHECK, "--name", "sub", "--path", "/cloudfront/prod/", GOOD)
        self.assertEqual(r2.rc, 0, r2)
        self.assertNotIn("warning", r2.err)
        r3 = self.tool("certup", *self.CHECK, "--json", "--name", "cfx", "--path", "/cloudfrontx/", GOOD)
        self.assertEqual(r3.rc, 0, r3)
        self.assertRegex(r3.err, r"warning: .*/cloudfrontx/.*not under /cloudfront/")
        self.assertFalse(r3.json()["libcert"]["cloudfront_usable"])
        self.assertEqual(r3.json()["ServerCertificateMetadata"]["Path"], "/cloudfrontx/")
        listed = self.iam().list_server_certificates()["ServerCertificateMetadataList"]
        self.assertEqual({m["ServerCertificateName"]: m["Path"] for m in listed},
                         {"cf": "/cloudfront/", "foo": "/foo/", "sub": "/cloudfront/prod/", "cfx": "/cloudfrontx/"})
        r = self.tool("certup", *self.CHECK, "--path", "foo", GOOD)
        self.assertEqual(r.rc, 2, r)  # not a path IAM takes: usage error

    def test_already_there_under_a_path_cloudfront_cannot_use(self):
        # The same leaf and chain, but IAM holds them under "/": CloudFront cannot use that one.
        self.aws("iam", "upload-server-certificate", "--server-certificate-name", "site", "--path", "/",
                 "--certificate-body", "file://" + fixture(LEAF),
                 "--private-key", "file://" + fixture("leaf-rsa2048.key"),
                 "--certificate-chain", "file://" + fixture("chain.pem"))
        r = self.tool("certup", *self.CHECK, "--json", "--name", "site", GOOD)
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        self.assertEqual(doc["libcert"]["status"], "exists")
        self.assertEqual(doc["ServerCertificateMetadata"]["Path"], "/")
        # people are told (a path CloudFront cannot use gets a warning) ...
        self.assertRegex(r.err, r"warning: .*not under /cloudfront/", r)
        # ... and what the report says about CloudFront is about the certificate IAM holds
        self.assertFalse(doc["libcert"]["cloudfront_usable"], doc["libcert"])
        r = self.tool("certup", *self.CHECK, "--name", "site", GOOD)
        self.assertEqual(r.rc, 0, r)
        self.assertTrue(r.out.startswith("exists site "), r)
        self.assertRegex(r.err, r"warning: .*not under /cloudfront/", r)

    def test_other_check_options_apply_before_any_request(self):
        r = self.tool("certup", *self.CHECK, "--host", "shop.example.org", GOOD)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("name.uncovered", r.err)
        r = self.tool("certup", *self.CHECK, "--host", "www.example.com", "--days", "200", GOOD)
        self.assertEqual(r.rc, 0, r)  # cert.expires_soon is a warning
        self.assertIn("cert.expires_soon", r.err)
        self.assertEqual(self.emu.actions(), ["UploadServerCertificate"])
        r = self.tool("certup", *self.CHECK, "-q", "--name", "quiet", GOOD)
        self.assertEqual((r.rc, r.out, r.err), (0, "", ""), r)
        names = sorted(m["ServerCertificateName"] for m in
                       self.iam().list_server_certificates()["ServerCertificateMetadataList"])
        self.assertEqual(names, sorted([derived_name(LEAF), "quiet"]))

    def test_derived_name_fits_iam(self):
        dns = "a" * 60 + "." + "b" * 60 + ".example.com"
        leaf, _, _ = make_bundle(self.tmp + "/long.pem", [dns, "x.example.com"],
                                 datetime.datetime(2027, 3, 4, 5, 6, 7, tzinfo=datetime.timezone.utc),
                                 cn="long.example.com")
        self.write("long-leaf.pem", leaf)
        r = self.tool("certup", *self.CHECK, "--json", self.tmp + "/long.pem")
        self.assertEqual(r.rc, 0, r)
        name = r.json()["ServerCertificateMetadata"]["ServerCertificateName"]
        suffix = "-2027-03-04-" + openssl_sha256(self.tmp + "/long-leaf.pem")[:8]
        self.assertLessEqual(len(name), 128)
        self.assertTrue(name.endswith(suffix), name)
        self.assertTrue(dns.startswith(name[:-len(suffix)]), name)
        self.assertGreater(len(name), 100)
        names = [m["ServerCertificateName"] for m in self.iam().list_server_certificates()["ServerCertificateMetadataList"]]
        self.assertEqual(names, [name])

    def test_json_is_one_document_with_aws_field_names(self):
        r = self.tool("certup", *self.CHECK, "--json", "--name", "j", GOOD)
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        self.assertEqual(set(doc["ServerCertificateMetadata"]),
                         {"Path", "ServerCertificateName", "ServerCertificateId", "Arn", "UploadDate", "Expiration"})
        self.assertRegex(doc["ServerCertificateMetadata"]["ServerCertificateId"], r"^ASCA[A-Z0-9]{17}$")
        self.assertEqual(r.err, "")
        self.assertEqual(doc["libcert"]["cloudfront_usable"], True)
        iam = self.iam().get_server_certificate(ServerCertificateName="j")["ServerCertificate"]["ServerCertificateMetadata"]
        self.assertEqual(doc["ServerCertificateMetadata"]["ServerCertificateId"], iam["ServerCertificateId"])
        self.assertEqual(doc["ServerCertificateMetadata"]["Arn"], iam["Arn"])
        self.assertEqual(parse_time(doc["ServerCertificateMetadata"]["UploadDate"]).replace(microsecond=0),
                         iam["UploadDate"].replace(microsecond=0))

    # -- what goes over the wire, seen by a relay in front of the emulator --------------------

    def relay(self):
        relay = Relay(self.emu.port)
        self.addCleanup(relay.close)
        return relay

    def upload_form(self, relay):
        forms = [f for f in relay.forms() if f.get("Action") == "UploadServerCertificate"]
        self.assertEqual(len(forms), 1)
        return forms[0]

    def assert_key_matches(self, key_pem, leaf_name):
        key = serialization.load_pem_private_key(key_pem.encode(), password=None)  # unencrypted
        leaf_pub = x509.load_pem_x509_certificate(read(fixture(leaf_name)).encode()).public_key()
        spki = serialization.PublicFormat.SubjectPublicKeyInfo
        self.assertEqual(key.public_key().public_bytes(serialization.Encoding.DER, spki),
                         leaf_pub.public_bytes(serialization.Encoding.DER, spki))

    def test_default_pkcs8_chain_in_issuing_order_without_root(self):
        relay = self.relay()
        # bundle-shuffled: key, int1, leaf, root, int2
        r = self.tool("certup", *self.CHECK, "--endpoint-url", relay.endpoint, "--name", "p8",
                      fixture("bundle-shuffled.pem"), env=self.env(AWS_ENDPOINT_URL=None))
        self.assertEqual(r.rc, 0, r)
        form = self.upload_form(relay)
        self.assertTrue(form["PrivateKey"].startswith("-----BEGIN PRIVATE KEY-----"), form["PrivateKey"][:40])
        self.assert_key_matches(form["PrivateKey"], LEAF)
        self.assertEqual(pem_ders(form["CertificateBody"]), [der_of(LEAF)])
        self.assertEqual(pem_ders(form["CertificateChain"]), [der_of("int2.pem"), der_of("int1.pem")])
        self.assertEqual(form["Path"], "/cloudfront/")
        # the upload tag rides on the upload request itself
        self.assertEqual((form["Tags.member.1.Key"], form["Tags.member.1.Value"]), ("libcert:uploaded", "certup"))
        self.assertNotIn("Tags.member.2.Key", form)
        got = self.iam().get_server_certificate(ServerCertificateName="p8")
        self.assertServerCert(got, der_of(LEAF), [der_of("int2.pem"), der_of("int1.pem")])

    def test_traditional(self):
        relay = self.relay()
        r = self.tool("certup", *self.CHECK, "--key-format", "traditional", "--name", "trad", GOOD,
                      env=self.env(AWS_ENDPOINT_URL=relay.endpoint))
        self.assertEqual(r.rc, 0, r)
        key = self.upload_form(relay)["PrivateKey"]
        self.assertTrue(key.startswith("-----BEGIN RSA PRIVATE KEY-----"), key[:40])
        self.assertNotIn("ENCRYPTED", key)
        self.assert_key_matches(key, LEAF)
        got = self.iam().get_server_certificate(ServerCertificateName="trad")
        self.assertServerCert(got, der_of(LEAF), [der_of("int2.pem"), der_of("int1.pem")])
        r = self.tool("certup", *self.CHECK, "--key-format", "pem", GOOD)
        self.assertEqual(r.rc, 2, r)

    def test_traditional_ec(self):
        relay = self.relay()
        r = self.tool("certup", *self.CHECK, "--key-format", "traditional", "--name", "ec",
                      fixture("bundle-p256.pem"), env=self.env(AWS_ENDPOINT_URL=relay.endpoint))
        self.assertEqual(r.rc, 0, r)
        key = self.upload_form(relay)["PrivateKey"]
        self.assertTrue(key.startswith("-----BEGIN EC PRIVATE KEY-----"), key[:40])
        self.assert_key_matches(key, "leaf-p256.pem")


class CertupLimitExceeded(EmuTestCase):
    EMU = dict(quota=5)

    def test_limit_exceeded_lists_what_could_go(self):
        exp = fixture("leaf-expired.pem")
        key = fixture("leaf-expired.key")
        chain = fixture("chain.pem")
        # The expired fixture was valid in mid-2024: upload it then, as the AWS CLI would.
        self.set_cert_clock("2024-06-01T00:00:00Z")
        for name in ("old-a", "old-b"):
            self.aws("iam", "upload-server-certificate", "--server-certificate-name", name,
                     "--path", "/cloudfront/", "--certificate-body", "file://" + exp,
                     "--private-key", "file://" + key, "--certificate-chain", "file://" + chain)
        iam = self.iam()
        used = iam.upload_server_certificate(ServerCertificateName="old-used", Path="/cloudfront/",
                                             CertificateBody=read(exp), PrivateKey=read(key),
                                             CertificateChain=read(chain))["ServerCertificateMetadata"]
        iam.upload_server_certificate(ServerCertificateName="old-slash", Path="/",
                                      CertificateBody=read(exp), PrivateKey=read(key),
                                      CertificateChain=read(chain))
        self.emu.create_distribution(aliases=["www.example.com"],
                                     viewer_certificate=used["ServerCertificateId"])
        # one that has not expired (by any clock) and nobody uses
        self.set_cert_clock(AT)
        leaf, fkey, fchain = make_bundle(self.tmp + "/fresh.pem", ["fresh.example.com"],
                                         utcnow() + datetime.timedelta(days=400))
        iam.upload_server_certificate(ServerCertificateName="fresh", Path="/cloudfront/",
                                      CertificateBody=leaf, PrivateKey=fkey, CertificateChain=fchain)
        listed = self.aws("iam", "list-server-certificates")["ServerCertificateMetadataList"]
        self.assertEqual(len(listed), 5)
        seq = self.emu.last_seq()

        r = self.tool("certup", *self.CHECK, GOOD)
        self.assertEqual(r.rc, 4, r)
        self.assertIn("LimitExceeded", r.err)
        could_go = set(re.findall(r"could go: (\S+)", r.out + r.err))
        self.assertEqual(could_go, {"old-a", "old-b"})
        actions = self.emu.actions(since=seq)
        # the upload first (never a listing first), answered LimitExceeded
        self.assertEqual(actions[0], "UploadServerCertificate")
        self.assertEqual(self.emu.log(since=seq)[0]["status"], 409)
        self.assertEqual(actions.count("UploadServerCertificate"), 1)

        rj = self.tool("certup", *self.CHECK, "--json", GOOD)
        self.assertEqual(rj.rc, 4, rj)
        doc = rj.json()
        self.assertEqual(doc["libcert"]["status"], "error")
        self.assertEqual({m["ServerCertificateName"] for m in doc["libcert"]["removable"]}, {"old-a", "old-b"})
        ids = {m["ServerCertificateName"]: m["ServerCertificateId"] for m in listed}
        for m in doc["libcert"]["removable"]:
            self.assertEqual(m["ServerCertificateId"], ids[m["ServerCertificateName"]])
        # nothing was uploaded
        self.assertEqual(len(self.iam().list_server_certificates()["ServerCertificateMetadataList"]), 5)


if __name__ == "__main__":
    main()
