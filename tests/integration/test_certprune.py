#!/usr/bin/env python3
"""certprune against the emulator: expired, unused certificates under /cloudfront/ are listed
and kept without --yes, deleted with --yes (each after listing the distributions again); one a
distribution uses, one not yet expired and one outside /cloudfront/ are never listed or deleted;
a distribution that takes a candidate up between the listing and its delete keeps it; --json is
one document; the ELB note."""

import os
import re
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import (  # noqa: E402
    AT,
    EmuTestCase,
    cf_set_iam_cert,
    iam_names,
    upload_fixture,
    wait_until,
)

PAST = "2024-06-01T00:00:00Z"  # leaf-expired (2024-01-01 .. 2025-01-01) is valid then


class Certprune(EmuTestCase):

    def setUp(self):
        super().setUp()
        # Upload the expired fixture while the emulator's clock is set back (IAM refuses an
        # expired certificate), and let a distribution use one of them then.
        self.ids = {"valid": upload_fixture(self.emu, "valid", "rsa2048")["ServerCertificateId"]}
        self.set_cert_clock(PAST)
        for name, path in (("exp-a", "/cloudfront/"), ("exp-b", "/cloudfront/test/"), ("exp-used", "/cloudfront/"),
                           ("exp-elb", "/elb/"), ("exp-root", "/")):
            self.ids[name] = upload_fixture(self.emu, name, "expired", path=path)["ServerCertificateId"]
        self.user = self.emu.create_distribution(aliases=[], viewer_certificate=self.ids["exp-used"])["Id"]
        self.spare = self.emu.create_distribution(aliases=[], viewer_certificate=None)["Id"]
        # certprune judges expiry by --at; the emulator's clock stays in the past so that a
        # distribution may still take up an expired certificate in the race test.

    def prune(self, *args, at=AT):
        return self.tool("certprune", "--at", at, *args)

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
        # The note: IAM does not stop deleting a certificate an ELB listener uses; not visible here.
        self.assertRegex(r.err, r"(?i)elastic load balanc|\bELB\b")

    def test_json_lists_candidates(self):
        r = self.prune("--json")
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        st = self.statuses(doc)
        self.assertEqual(set(st), {"exp-a", "exp-b"})
        self.assertTrue(all(s == "would-delete" for s in st.values()), st)
        for m in doc["ServerCertificateMetadataList"]:
            self.assertEqual(m["ServerCertificateId"], self.ids[m["ServerCertificateName"]])
            self.assertTrue(m["Path"].startswith("/cloudfront/"))
            self.assertTrue(m["Expiration"].startswith("2025-01-01"))
        self.assertFalse(doc["libcert"]["deleted"])
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
        r = self.prune("--json", at="2026-07-01T00:00:00Z")  # now valid (leaf-rsa2048) has expired too
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
        # The re-check before exp-a's delete is held; meanwhile a distribution takes up exp-b;
        # exp-b's own re-check must see it and keep it (no DeleteServerCertificate for it).
        self.emu.add_fault(service="cloudfront", action="ListDistributions", fault="stall", then="answer", ms=1500,
                           skip=1, count=1)
        result = {}
        t = threading.Thread(target=lambda: result.setdefault("r", self.prune("--yes", "--json")))
        t.start()
        try:
            wait_until(lambda: self.emu.faults_active() == [], 30, 0.02, "certprune's re-check")
            status, body = cf_set_iam_cert(self.emu, self.spare, self.ids["exp-b"])
            self.assertEqual(status, 200, body)
        finally:
            t.join(60)
        r = result["r"]
        self.assertEqual(r.rc, 0, r)
        st = self.statuses(r.json())
        self.assertEqual(st["exp-a"], "deleted")
        self.assertEqual(st["exp-b"], "kept-in-use")
        self.assertIn("exp-b", iam_names(self.emu))
        self.assertNotIn("exp-a", iam_names(self.emu))
        self.assertEqual(self.emu.count("DeleteServerCertificate"), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
