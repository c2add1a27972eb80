#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Monitoring (#10 item 10): certls --prometheus FILE and certcheck --each --prometheus FILE write
node_exporter's textfile-collector format, checked by a strict reader (prom.py) and by promtool
when one is installed: per IAM certificate its expiry, upload time, whether it is in use and by
how many distributions (store="iam"), the account's count and quota; per local bundle its
leaf's expiry, pass/fail and exit code. The values are compared with what the AWS CLI reads.
Written atomically: no temporary file is left, the mode is 0644, an old file is replaced by a
rename (a new inode), and a directory that cannot take the file is exit 3 naming it, the
listing or reports still printed."""

import os
import stat
import sys
import unittest

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import prom  # noqa: E402
from lib import (  # noqa: E402
    main,
    AT,
    EmuTestCase,
    fixture,
    parse_time,
    read,
    upload_fixture,
)


def series(families, name):
    """{tuple(sorted labels): value} of one family."""
    return {tuple(sorted(labels.items())): value for labels, value in families[name].samples}


def by_name(families, name):
    """{certificate name: value} of a per-certificate family."""
    return {labels["name"]: value for labels, value in families[name].samples}


class PrometheusTestCase(EmuTestCase):

    def read_metrics(self, path):
        """The file, parsed strictly and checked against the naming rules (and by promtool when
        there is one); the directory holds nothing else (no temporary file left)."""
        data = read(path, "rb")
        families = prom.parse(data)
        prom.check_conventions(families)
        ran, rc, out = prom.promtool_check(path)
        if ran:
            self.assertEqual(rc, 0, out)
        self.assertEqual(os.listdir(os.path.dirname(path)), [os.path.basename(path)])
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o644)
        return families


class CertlsPrometheus(PrometheusTestCase):

    def setUp(self):
        super().setUp()
        self.used = upload_fixture(self.emu, "used", "rsa2048")
        self.spare = upload_fixture(self.emu, "spare", "p256")
        # IAM's Path takes any printable ASCII: a quote and a backslash reach the label escaping
        self.odd = upload_fixture(self.emu, "odd", "wildcard", path='/cloudfront/q"uo\\te/')
        self.elsewhere = upload_fixture(self.emu, "elsewhere", "rsa3072", path="/elb/")
        self.d1 = self.emu.create_distribution(aliases=[], viewer_certificate=self.used["ServerCertificateId"])["Id"]
        self.d2 = self.emu.create_distribution(aliases=[], viewer_certificate=self.used["ServerCertificateId"],
                                               enabled=False)["Id"]
        self.d3 = self.emu.create_distribution(aliases=[], viewer_certificate=self.odd["ServerCertificateId"])["Id"]
        self.dir = os.path.join(self.tmp, "textfile")
        os.mkdir(self.dir)
        self.path = os.path.join(self.dir, "libcert.prom")

    def test_metrics_match_the_account(self):
        r = self.tool("certls", "-q", "--prometheus", self.path)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual((r.out, r.err), ("", ""))
        fam = self.read_metrics(self.path)
        self.assertEqual(sorted(fam), [
            "libcert_account_certificates", "libcert_account_certificates_quota",
            "libcert_certificate_distributions", "libcert_certificate_expiry_timestamp_seconds",
            "libcert_certificate_in_use", "libcert_certificate_upload_timestamp_seconds"])
        listed = self.aws("iam", "list-server-certificates")["ServerCertificateMetadataList"]
        self.assertEqual(len(listed), 4)
        expiry = fam["libcert_certificate_expiry_timestamp_seconds"].samples
        self.assertEqual(len(expiry), 4)
        for m in listed:
            labels = {"store": "iam", "name": m["ServerCertificateName"], "id": m["ServerCertificateId"],
                      "path": m["Path"]}
            key = tuple(sorted(labels.items()))
            self.assertEqual(series(fam, "libcert_certificate_expiry_timestamp_seconds")[key],
                             parse_time(m["Expiration"]).timestamp())
            self.assertEqual(series(fam, "libcert_certificate_upload_timestamp_seconds")[key],
                             int(parse_time(m["UploadDate"]).timestamp()))
        self.assertEqual(by_name(fam, "libcert_certificate_in_use"),
                         {"used": 1, "spare": 0, "odd": 1, "elsewhere": 0})
        self.assertEqual(by_name(fam, "libcert_certificate_distributions"),
                         {"used": 2, "spare": 0, "odd": 1, "elsewhere": 0})
        odd = [labels for labels, _ in fam["libcert_certificate_in_use"].samples if labels["name"] == "odd"][0]
        self.assertEqual(odd["path"], '/cloudfront/q"uo\\te/')  # escaped in the file, read back whole
        self.assertIn(b'path="/cloudfront/q\\"uo\\\\te/"', read(self.path, "rb"))
        summary = self.aws("iam", "get-account-summary")["SummaryMap"]
        self.assertEqual(series(fam, "libcert_account_certificates"), {(("store", "iam"),): summary["ServerCertificates"]})
        self.assertEqual(series(fam, "libcert_account_certificates_quota"),
                         {(("store", "iam"),): summary["ServerCertificatesQuota"]})

    def test_replaced_atomically_and_listing_unchanged(self):
        with open(self.path, "w") as f:
            f.write("# stale\n")
        before = os.stat(self.path).st_ino
        r = self.tool("certls", "--prometheus", self.path, "--expiring", "36500")
        self.assertEqual(r.rc, 1, r)  # --expiring keeps its meaning; the metrics cover every certificate
        self.assertNotEqual(os.stat(self.path).st_ino, before)  # renamed into place, not rewritten
        fam = self.read_metrics(self.path)
        self.assertEqual(len(fam["libcert_certificate_expiry_timestamp_seconds"].samples), 4)
        self.assertIn("used", r.out)
        self.assertIn("IN USE BY", r.out)  # --prometheus lists the distributions

    def test_unwritable_directory_is_exit_3_naming_the_file(self):
        missing = os.path.join(self.tmp, "no-such-dir", "libcert.prom")
        r = self.tool("certls", "--prometheus", missing)
        self.assertEqual(r.rc, 3, r)
        self.assertIn(missing, r.err)
        self.assertIn("used", r.out)  # the listing still shows
        # a directory where the file should be: the rename fails, the temporary file goes
        os.mkdir(self.path)
        r = self.tool("certls", "--json", "--prometheus", self.path)
        self.assertEqual(r.rc, 3, r)
        self.assertIn(self.path, r.err)
        doc = r.json()
        self.assertEqual(doc["libcert"]["exit_code"], 3)
        self.assertIn(self.path, doc["libcert"]["error"]["message"])
        self.assertEqual(len(doc["ServerCertificateMetadataList"]), 4)
        self.assertEqual(os.listdir(self.dir), ["libcert.prom"])
        self.assertEqual(os.listdir(self.path), [])
        # a directory nobody may write in: /proc refuses even root; a 0555 one refuses others
        denied = ["/proc/libcert-test.prom"]
        if os.geteuid() != 0:
            ro = os.path.join(self.tmp, "read-only")
            os.mkdir(ro, 0o555)
            denied.append(os.path.join(ro, "libcert.prom"))
        for path in denied:
            r = self.tool("certls", "-q", "--prometheus", path)
            self.assertEqual(r.rc, 3, r)
            self.assertIn(path, r.err)
            self.assertFalse(os.path.exists(path))

    def test_usage(self):
        for args, msg in ((("--prometheus", ""), r"--prometheus: give a file name"),
                          (("--prometheus", self.path, "--fix-path", "used"), r"--fix-path and --prometheus"),
                          (("--prometheus",), r"prometheus")):
            r = self.tool("certls", *args)
            self.assertEqual(r.rc, 2, r)
            self.assertRegex(r.err, msg)
        self.assertFalse(os.path.exists(self.path))


class CertcheckPrometheus(PrometheusTestCase):

    def setUp(self):
        super().setUp()
        self.dir = os.path.join(self.tmp, "textfile")
        os.mkdir(self.dir)
        self.path = os.path.join(self.dir, "bundles.prom")
        self.odd = os.path.join(self.tmp, 'we"ird\\name\nwith newline.pem')
        with open(self.odd, "w") as f:
            f.write(read(fixture("bundle-good.pem")))

    def check(self, *args):
        return self.tool("certcheck", "--at", AT, "--ca-file", fixture("root.pem"), *args)

    def test_each_bundle_expiry_and_pass_fail(self):
        good, expired, missing = fixture("bundle-good.pem"), fixture("bundle-expired.pem"), fixture("no-such.pem")
        r = self.check("--each", "-q", "--prometheus", self.path, good, expired, missing, self.odd, good)
        self.assertEqual(r.rc, 3, r)  # the highest: the missing file
        fam = self.read_metrics(self.path)
        self.assertEqual(sorted(fam), ["libcert_bundle_check_passed", "libcert_bundle_exit_code",
                                       "libcert_bundle_expiry_timestamp_seconds"])
        passed = {labels["input"]: v for labels, v in fam["libcert_bundle_check_passed"].samples}
        self.assertEqual(passed, {good: 1, expired: 0, missing: 0, self.odd: 1})  # good once
        codes = {labels["input"]: v for labels, v in fam["libcert_bundle_exit_code"].samples}
        self.assertEqual(codes, {good: 0, expired: 1, missing: 3, self.odd: 0})
        expiry = {labels["input"]: v for labels, v in fam["libcert_bundle_expiry_timestamp_seconds"].samples}
        self.assertEqual(expiry, {good: 1780272000, expired: 1735689600, self.odd: 1780272000})  # no leaf: none
        self.assertIn(b'input="' + self.odd.encode().replace(b"\\", b"\\\\").replace(b'"', b'\\"')
                      .replace(b"\n", b"\\n") + b'"', read(self.path, "rb"))

    def test_not_utf8_file_name(self):
        odd = os.path.join(self.tmp.encode(), b"latin1-\xe9.pem")
        with open(odd, "wb") as f:
            f.write(read(fixture("bundle-good.pem"), "rb"))
        r = self.tool("certcheck", "--at", AT, "--ca-file", fixture("root.pem"), "--each", "-q",
                      "--prometheus", self.path, odd.decode("utf-8", "surrogateescape"))
        self.assertEqual(r.rc, 0, r)
        fam = self.read_metrics(self.path)
        [(labels, value)] = fam["libcert_bundle_check_passed"].samples
        self.assertEqual((labels["input"], value), (os.path.join(self.tmp, "latin1-\ufffd.pem"), 1))

    def test_json_and_a_failed_write(self):
        bad = os.path.join(self.tmp, "missing", "bundles.prom")
        r = self.check("--each", "--json", "--prometheus", bad, fixture("bundle-good.pem"))
        self.assertEqual(r.rc, 3, r)
        self.assertIn(bad, r.err)
        doc = r.json()
        self.assertEqual(doc["exit_code"], 3)
        self.assertIn(bad, doc["error"]["message"])
        self.assertEqual([x["status"] for x in doc["results"]], ["ok"])
        r = self.check("--each", "--json", "--prometheus", self.path, fixture("bundle-good.pem"))
        self.assertEqual(r.rc, 0, r)
        self.assertNotIn("error", r.json())
        self.read_metrics(self.path)

    def test_usage(self):
        for args, msg in ((("--prometheus", self.path, fixture("bundle-good.pem")),  # without --each
                           r"--prometheus goes with --each"),
                          (("--each", "--prometheus", self.path, "--distribution", "E1"),
                           r"--prometheus goes with --each and local bundles"),
                          (("--each", "--prometheus", "", fixture("bundle-good.pem")),
                           r"--prometheus: give a file name")):
            r = self.check(*args)
            self.assertEqual(r.rc, 2, r)
            self.assertRegex(r.err, msg)
        self.assertEqual(os.listdir(self.dir), [])


class StrictReader(unittest.TestCase):
    """The reader refuses what the collector refuses (so that a pass means something)."""

    def test_refuses(self):
        for bad in (b"a 1", b"a 1 1700000000\n", b'a{b="\\q"} 1\n', b'a{b="x",b="y"} 1\n',
                    b"a 1\nb 1\na 2\n", b'a{b="x"} 1\na{b="x"} 2\n', b'a{b="\xff"} 1\n',
                    b"a 1\n# HELP a late\n", b"# TYPE a gauge\n# TYPE a gauge\na 1\n", b"a x\n",
                    b"# TYPE a thing\na 1\n", b'a{__n="1"} 1\n', b"1a 1\n", b'a{b="x} 1\n'):
            with self.assertRaises(prom.ExpositionError, msg=bad):
                prom.parse(bad)
        with self.assertRaises(prom.ExpositionError):
            prom.check_conventions(prom.parse(b"# HELP libcert_x_total x\n# TYPE libcert_x_total gauge\n"
                                              b"libcert_x_total 1\n"))

    def test_reads(self):
        fam = prom.parse(b'# HELP a h\n# TYPE a gauge\na{b="q\\"\\\\\\n"} 1e3\n\na 2\n')
        self.assertEqual(fam["a"].samples, [({"b": 'q"\\\n'}, 1000.0), ({}, 2.0)])


if __name__ == "__main__":
    main()
