#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""certprune against the emulator: expired, unused certificates under /cloudfront/ are listed
and kept without --yes, deleted with --yes (each after listing the distributions again); one a
distribution uses, one not yet expired and one outside /cloudfront/ are never listed or deleted;
a distribution that takes a candidate up between the listing and its delete keeps it; --json is
one document; the ELB note. --at only previews: with --yes it is a usage error and nothing is
sent. --unused --min-age DAYS: what libcert uploaded long ago, that no distribution uses and a
newer certificate for the same names replaces, goes; the newest for its names, a young one, a
used one (enabled, disabled or staging distribution), one not uploaded by libcert and one outside
/cloudfront/ stay. Every result is read back with the AWS CLI."""

import datetime
import os
import re
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import (  # noqa: E402
    main,
    AT,
    CF_API,
    EmuTestCase,
    cf_config_raw,
    cf_put_raw,
    cf_set_iam_cert,
    fixture,
    iam_names,
    make_bundle,
    upload_fixture,
    utcnow,
    wait_until,
)

PAST = "2024-06-01T00:00:00Z"  # leaf-expired (2024-01-01 .. 2025-01-01) is valid then
DAY = datetime.timedelta(days=1)
UTC = datetime.timezone.utc


def aws_names(case):
    """The account's certificate names as the AWS CLI lists them (every page)."""
    listed = case.aws("iam", "list-server-certificates")["ServerCertificateMetadataList"]
    return sorted(m["ServerCertificateName"] for m in listed)


class Certprune(EmuTestCase):

    def setUp(self):
        super().setUp()
        # One valid today (the tools judge by the real clock), then the expired fixture uploaded
        # while the emulator's clock is set back (IAM refuses an expired certificate), and a
        # distribution that uses one of them.
        self.valid_until = utcnow() + 200 * DAY
        leaf, key, chain = make_bundle(os.path.join(self.tmp, "valid.pem"), ["www.example.com"],
                                       self.valid_until)
        self.ids = {"valid": self.emu.upload_certificate("valid", leaf, key, chain,
                                                         path="/cloudfront/")["ServerCertificateId"]}
        self.set_cert_clock(PAST)
        for name, path in (("exp-a", "/cloudfront/"), ("exp-b", "/cloudfront/test/"), ("exp-used", "/cloudfront/"),
                           ("exp-elb", "/elb/"), ("exp-root", "/")):
            self.ids[name] = upload_fixture(self.emu, name, "expired", path=path)["ServerCertificateId"]
        self.user = self.emu.create_distribution(aliases=[], viewer_certificate=self.ids["exp-used"])["Id"]
        self.spare = self.emu.create_distribution(aliases=[], viewer_certificate=None)["Id"]
        # certprune deletes by the real clock (--at only previews); the emulator's clock stays in
        # the past so that a distribution may still take up an expired certificate in the race
        # test.

    def prune(self, *args, at=None):
        return self.tool("certprune", *(("--at", at) if at else ()), *args)

    def statuses(self, doc):
        return {m["ServerCertificateName"]: m["libcert"]["status"] for m in doc["ServerCertificateMetadataList"]}

    def test_lists_without_deleting(self):
        before = iam_names(self.emu)
        r = self.prune()
        self.assertEqual(r.rc, 0, r)
        listed = set(re.findall(r"\b(exp-[a-z]+|valid)\b", r.out))
        self.assertEqual(listed, {"exp-a", "exp-b"}, r)
        self.assertEqual(iam_names(self.emu), before)
        self.assertEqual(self.emu.count("DeleteServerCertificate"), 0)
        self.assertRegex(r.out + r.err, r"--yes")
        # The note: IAM does not stop deleting a certificate an ELB listener uses; not checked.
        self.assertRegex(r.out, r"(?i)elastic load balancer listeners are not checked")

    def test_at_with_yes_is_a_usage_error_and_deletes_nothing(self):
        # #10: `--at 2031-01-01T00:00:00Z --yes` deleted certificates valid today.
        before = aws_names(self)
        self.emu.clear_log()
        for args in (("--at", "2031-01-01T00:00:00Z", "--yes"), ("--yes", "--at", AT),
                     ("--json", "--yes", "--at", "@1924992000")):
            r = self.tool("certprune", *args)
            self.assertEqual(r.rc, 2, r)
            self.assertRegex(r.err, r"--at only previews")
            self.assertRegex(r.err, r"--help")
            self.assertEqual(r.out, "")
        self.assertEqual(self.emu.log(), [])  # refused before any request
        self.assertEqual(aws_names(self), before)
        # The same --at without --yes is a preview of that day: valid too has expired by then.
        r = self.prune("--json", at="2031-01-01T00:00:00Z")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(self.statuses(r.json()), {"exp-a": "would-delete", "exp-b": "would-delete",
                                                   "valid": "would-delete"})
        self.assertEqual(aws_names(self), before)

    def test_unused_and_min_age_go_together(self):
        self.emu.clear_log()
        for args, msg in ((("--unused",), r"--unused needs --min-age"),
                          (("--min-age", "30"), r"--min-age goes with --unused"),
                          (("--unused", "--min-age", "0"), r"--min-age 0: give 1 day or more"),
                          (("--unused", "--min-age", "-1"), r"min-age"),
                          (("--unused", "--min-age", "x"), r"min-age")):
            r = self.tool("certprune", *args)
            self.assertEqual(r.rc, 2, (args, r))
            self.assertRegex(r.err, msg)
        self.assertEqual(self.emu.log(), [])

    def test_json_lists_candidates(self):
        r = self.prune("--json", at=AT)
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        st = self.statuses(doc)
        self.assertEqual(set(st), {"exp-a", "exp-b"})
        self.assertTrue(all(s == "would-delete" for s in st.values()), st)
        for m in doc["ServerCertificateMetadataList"]:
            self.assertEqual(m["ServerCertificateId"], self.ids[m["ServerCertificateName"]])
            self.assertTrue(m["Path"].startswith("/cloudfront/"))
            self.assertTrue(m["Expiration"].startswith("2025-01-01"))
            self.assertEqual(m["libcert"]["reason"], "expired")
        self.assertFalse(doc["libcert"]["deleted"])
        self.assertFalse(doc["libcert"]["unused"])
        self.assertEqual(doc["libcert"]["now"], "2026-01-01T00:00:00+00:00")
        self.assertRegex(doc["libcert"]["note"], r"(?i)elastic load balanc|\bELB\b")
        self.assertEqual(self.emu.count("DeleteServerCertificate"), 0)

    def test_yes_deletes_and_checks_again_before_each(self):
        r = self.prune("--yes", "--json")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(self.statuses(r.json()), {"exp-a": "deleted", "exp-b": "deleted"})
        self.assertEqual(iam_names(self.emu), ["exp-elb", "exp-root", "exp-used", "valid"])
        listed = self.aws("iam", "list-server-certificates")["ServerCertificateMetadataList"]
        self.assertEqual(sorted(m["ServerCertificateName"] for m in listed), ["exp-elb", "exp-root", "exp-used", "valid"])
        actions = self.emu.actions()
        deletes = [i for i, a in enumerate(actions) if a == "DeleteServerCertificate"]
        self.assertEqual(len(deletes), 2)
        for i in deletes:
            self.assertEqual(actions[i - 1], "ListDistributions", actions)  # checked right before
        # Nothing left to prune.
        r = self.prune("--yes", "--json")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.json()["ServerCertificateMetadataList"], [])
        self.assertEqual(self.emu.count("DeleteServerCertificate"), 2)

    def test_a_failed_delete_is_exit_4_and_the_rest_go_on(self):
        self.emu.add_fault(service="iam", action="DeleteServerCertificate", fault="status", status=400,
                           code="InvalidInput", message="Injected refusal.", count=1)
        r = self.prune("--yes", "--json")
        self.assertEqual(r.rc, 4, r)
        st = self.statuses(r.json())
        self.assertEqual(sorted(st.values()), ["deleted", "failed"], st)
        failed = [n for n, s in st.items() if s == "failed"][0]
        self.assertIn(failed, iam_names(self.emu))
        self.assertIn("Injected refusal.", [m for m in r.json()["ServerCertificateMetadataList"]
                                            if m["ServerCertificateName"] == failed][0]["libcert"]["message"])

    def test_not_expired_yet_at_an_earlier_time(self):
        r = self.prune("--json", at="2024-12-01T00:00:00Z")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.json()["ServerCertificateMetadataList"], [])
        r = self.prune("--json", at="2026-07-01T00:00:00Z")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(set(self.statuses(r.json())), {"exp-a", "exp-b"})
        later = (self.valid_until + DAY).strftime("%Y-%m-%dT%H:%M:%SZ")  # valid has expired too
        r = self.prune("--json", at=later)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(set(self.statuses(r.json())), {"exp-a", "exp-b", "valid"})

    def test_in_use_is_kept(self):
        r = self.prune("--yes")
        self.assertEqual(r.rc, 0, r)
        self.assertIn("exp-used", iam_names(self.emu))
        self.assertNotIn("exp-used", r.out)

    def test_outside_cloudfront_never_touched(self):
        r = self.prune("--yes", "--json")
        self.assertEqual(r.rc, 0, r)
        names = {m["ServerCertificateName"] for m in r.json()["ServerCertificateMetadataList"]}
        self.assertFalse(names & {"exp-elb", "exp-root"})
        self.assertIn("exp-elb", iam_names(self.emu))
        self.assertIn("exp-root", iam_names(self.emu))

    def test_taken_up_between_listing_and_delete_is_kept(self):
        # The re-check before exp-a's delete is held (until released, not for a time, so that a
        # slow machine cannot let it go first); meanwhile a distribution takes up exp-b; exp-b's
        # own re-check must see it and keep it (no DeleteServerCertificate for it).
        self.emu.add_fault(service="cloudfront", action="ListDistributions", fault="stall", then="answer", ms=60000,
                           hold=True, skip=1, count=1)
        result = {}
        t = threading.Thread(target=lambda: result.setdefault("r", self.prune("--yes", "--json")))
        t.start()
        try:
            wait_until(lambda: self.emu.faults_active() == [], 30, 0.02, "certprune's re-check")
            status, body = cf_set_iam_cert(self.emu, self.spare, self.ids["exp-b"])
            self.assertEqual(status, 200, body)
        finally:
            self.emu.release()
            t.join(60)
        r = result["r"]
        self.assertEqual(r.rc, 0, r)
        st = self.statuses(r.json())
        self.assertEqual(st["exp-a"], "deleted")
        self.assertEqual(st["exp-b"], "kept-in-use")
        self.assertIn("exp-b", iam_names(self.emu))
        self.assertNotIn("exp-a", iam_names(self.emu))
        self.assertEqual(self.emu.count("DeleteServerCertificate"), 1)


class CertpruneUnused(EmuTestCase):
    """--unused --min-age DAYS over certificates uploaded by certup (so they carry libcert's
    upload tag) with UploadDates moved back by the emulator's control API, valid today and at
    the fixtures' clock (the emulator judges uploads by it)."""

    def upload(self, name, dns, not_after, age_days, path="/cloudfront/", tool=True):
        bundle = os.path.join(self.tmp, name + ".pem")
        leaf, key, chain = make_bundle(bundle, dns, datetime.datetime(*not_after, tzinfo=UTC))
        if tool:
            r = self.tool("certup", *self.CHECK, "--name", name, "--path", path, bundle)
            self.assertEqual(r.rc, 0, r)
        else:  # the AWS way, without libcert's tag
            self.emu.upload_certificate(name, leaf, key, chain, path=path)
        self.emu.set_upload_date(name, utcnow() - age_days * DAY)
        meta = self.iam().get_server_certificate(ServerCertificateName=name)
        return meta["ServerCertificate"]["ServerCertificateMetadata"]["ServerCertificateId"]

    def staging(self, cert_id):
        """A staging distribution (Staging true) that serves cert_id."""
        d = self.emu.create_distribution(aliases=[], viewer_certificate=cert_id)["Id"]
        etag, body = cf_config_raw(self.emu, d)
        text = body.decode("utf-8").replace("<Staging>false</Staging>", "<Staging>true</Staging>")
        status, _, answer = cf_put_raw(self.emu, d, text.encode("utf-8"), etag)
        self.assertEqual(status, 200, answer)
        status, _, listed = self.emu.signed_request("GET", f"{CF_API}/distribution")
        self.assertIn(b"<Staging>true</Staging>", listed)  # the summary carries the flag
        return d

    def setUp(self):
        super().setUp()
        a = ["www.a.example.com", "a.example.com"]
        self.ids = {
            # group a: the two older ones go, the newest stays
            "a-old1": self.upload("a-old1", a, (2027, 2, 1), 100),
            "a-old2": self.upload("a-old2", ["A.example.com", "WWW.a.example.com"], (2027, 3, 1), 100),
            "a-new": self.upload("a-new", a, (2027, 6, 1), 100),
            # group a too, but not libcert's, or outside /cloudfront/: never touched
            "a-foreign": self.upload("a-foreign", a, (2027, 1, 10), 100, tool=False),
            "a-elb": self.upload("a-elb", a, (2027, 1, 5), 100, path="/elb/"),
            # group b: young, used (enabled, disabled, staging) and the newest
            "b-young": self.upload("b-young", ["b.example.com"], (2027, 1, 1), 2),
            "b-enabled": self.upload("b-enabled", ["b.example.com"], (2027, 1, 15), 100),
            "b-disabled": self.upload("b-disabled", ["b.example.com"], (2027, 1, 20), 100),
            "b-staging": self.upload("b-staging", ["b.example.com"], (2027, 1, 25), 100),
            "b-newest": self.upload("b-newest", ["b.example.com"], (2027, 5, 1), 100),
        }
        self.emu.create_distribution(aliases=[], viewer_certificate=self.ids["b-enabled"])
        self.emu.create_distribution(aliases=[], viewer_certificate=self.ids["b-disabled"], enabled=False)
        self.staging(self.ids["b-staging"])
        self.everything = sorted(self.ids)

    def items(self, doc):
        return {m["ServerCertificateName"]: m["libcert"] for m in doc["ServerCertificateMetadataList"]}

    def test_preview_then_yes_deletes_only_replaced_unused_ones(self):
        self.emu.clear_log()
        r = self.tool("certprune", "--unused", "--min-age", "30", "--json")
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        got = {n: (x["status"], x["reason"]) for n, x in self.items(doc).items()}
        self.assertEqual(got, {"a-old1": ("would-delete", "unused"), "a-old2": ("would-delete", "unused"),
                               "a-new": ("kept-newest", "unused"), "b-newest": ("kept-newest", "unused")})
        items = self.items(doc)
        self.assertEqual(items["a-old1"]["superseded_by"], "a-new")
        self.assertEqual(items["a-old2"]["superseded_by"], "a-new")
        self.assertEqual(items["a-old1"]["names"], "a.example.com, www.a.example.com")
        self.assertRegex(items["a-new"]["message"], r"newest certificate for a.example.com, www.a.example.com")
        self.assertTrue(doc["libcert"]["unused"])
        self.assertEqual(doc["libcert"]["min_age_days"], 30)
        self.assertRegex(doc["libcert"]["note"], r"(?i)elastic load balancer listeners are not checked")
        self.assertEqual(aws_names(self), self.everything)
        self.assertEqual(self.emu.count("DeleteServerCertificate"), 0)
        # tags asked only for what passed the cheaper tests (unused, old, under /cloudfront/)
        self.assertEqual(self.emu.count("ListServerCertificateTags"), 5)

        r = self.tool("certprune", "--unused", "--min-age", "30", "--yes", "--json")
        self.assertEqual(r.rc, 0, r)
        got = {n: x["status"] for n, x in self.items(r.json()).items()}
        self.assertEqual(got, {"a-old1": "deleted", "a-old2": "deleted", "a-new": "kept-newest",
                               "b-newest": "kept-newest"})
        self.assertEqual(aws_names(self), sorted(set(self.everything) - {"a-old1", "a-old2"}))
        actions = self.emu.actions()
        deletes = [i for i, a in enumerate(actions) if a == "DeleteServerCertificate"]
        self.assertEqual(len(deletes), 2)
        for i in deletes:
            self.assertEqual(actions[i - 1], "ListDistributions", actions)  # checked right before

        # Nothing left to prune: exit 0, nothing deleted.
        r = self.tool("certprune", "--unused", "--min-age", "30", "--yes")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(self.emu.count("DeleteServerCertificate"), 2)
        self.assertRegex(r.out, r"kept-newest +a-new ")
        self.assertNotRegex(r.out, r"(?m)^deleted")

    def test_text_output(self):
        r = self.tool("certprune", "--unused", "--min-age", "30")
        self.assertEqual(r.rc, 0, r)
        self.assertRegex(r.out, r"(?m)^would-delete +a-old1 \(id ASCA[A-Z0-9]+, path /cloudfront/, unused, "
                                r"uploaded \d{4}-\d\d-\d\d, expires 2027-02-01, replaced by a-new\)$")
        self.assertRegex(r.out, r"(?m)^kept-newest +b-newest .*: the newest certificate for b.example.com; kept$")
        self.assertRegex(r.out, r"(?m)^note: Elastic Load Balancer listeners are not checked")
        self.assertRegex(r.out, r"nothing deleted; run with --yes")

    def test_min_age_is_strict_and_nothing_to_prune_is_exit_0(self):
        before = aws_names(self)
        r = self.tool("certprune", "--unused", "--min-age", "101", "--yes")
        self.assertEqual(r.rc, 0, r)
        self.assertRegex(r.out, r"nothing to prune under /cloudfront/.*101 days")
        self.assertEqual(aws_names(self), before)
        self.assertEqual(self.emu.count("DeleteServerCertificate"), 0)
        # b-young (2 days) is kept at --min-age 1, and so is everything else in group b
        r = self.tool("certprune", "--unused", "--min-age", "1", "--yes", "--json")
        self.assertEqual(r.rc, 0, r)
        st = {n: x["status"] for n, x in self.items(r.json()).items()}
        self.assertEqual(st, {"a-old1": "deleted", "a-old2": "deleted", "a-new": "kept-newest",
                              "b-young": "deleted", "b-newest": "kept-newest"})
        self.assertEqual(aws_names(self), sorted(set(before) - {"a-old1", "a-old2", "b-young"}))

    def test_newest_in_use_protects_nothing_else(self):
        # When the newest for its names is on a distribution, the unused older ones still go,
        # and the newest is never a candidate (it is used).
        self.emu.create_distribution(aliases=[], viewer_certificate=self.ids["a-new"])
        r = self.tool("certprune", "--unused", "--min-age", "30", "--yes", "--json")
        self.assertEqual(r.rc, 0, r)
        st = {n: x["status"] for n, x in self.items(r.json()).items()}
        self.assertEqual(st, {"a-old1": "deleted", "a-old2": "deleted", "b-newest": "kept-newest"})
        self.assertIn("a-new", aws_names(self))

    def test_without_unused_nothing_unexpired_goes(self):
        r = self.tool("certprune", "--yes", "--json")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.json()["ServerCertificateMetadataList"], [])
        self.assertEqual(aws_names(self), self.everything)
        self.assertEqual(self.emu.count("ListServerCertificateTags"), 0)


if __name__ == "__main__":
    main()
