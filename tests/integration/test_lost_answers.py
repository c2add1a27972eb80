#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Lost answers (issue #11, defect 1): an UpdateDistribution that reached CloudFront but whose
every answer was lost. certattach and certrotate read the distribution back and record what it
holds: the new certificate (updated), the old one (failed), or neither (someone else changed
it: left alone); when the read fails too the distribution is "unknown" (exit 5, and certrotate
deletes nothing). --rollback-on-failure acts on what it reads, with that read's ETag.

The emulator's "after" fault runs the handler (the update is made) and then loses the answer
(a reset, or a stall past --timeout); "path" aims it at one distribution."""

import os
import sys
import threading
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import (  # noqa: E402
    EmuTestCase,
    cf_config_raw,
    cf_set_iam_cert,
    cf_viewer_dict,
    fixture,
    iam_names,
    upload_fixture,
    wait_until,
)

GOOD = fixture("bundle-good.pem")  # leaf-rsa2048: www.example.com, example.com


class LostAnswers(EmuTestCase):

    def setUp(self):
        super().setUp()
        self.old = upload_fixture(self.emu, "old", "rsa2048")["ServerCertificateId"]
        self.new = upload_fixture(self.emu, "new", "rsa3072")["ServerCertificateId"]
        self.other = upload_fixture(self.emu, "other", "p256")["ServerCertificateId"]
        self.ids = [self.emu.create_distribution(aliases=a, viewer_certificate=self.old)["Id"]
                    for a in (["www.example.com"], ["example.com"], [])]

    def attach(self, *args, timeout=120):
        return self.tool("certattach", *self.CHECK, "--json", "--jobs", "1", "--max-attempts", "2", *args,
                         "--cert", "new", *self.ids, timeout=timeout)

    def iam_id(self, dist_id):
        return cf_viewer_dict(cf_config_raw(self.emu, dist_id)[1]).get("IAMCertificateId")

    def lose_updates(self, dist_id, **kw):
        rule = dict(service="cloudfront", action="UpdateDistribution", fault="after", then="reset",
                    path=f"/distribution/{dist_id}/")
        rule.update(kw)
        self.emu.add_fault(**rule)

    def fail_update(self, dist_id):
        self.emu.add_fault(service="cloudfront", action="UpdateDistribution", fault="status", status=400,
                           code="InvalidArgument", message="Injected failure.", path=f"/distribution/{dist_id}/")

    def fail_reads(self, dist_id, skip=1):
        """GetDistributionConfig of one distribution fails (503) after `skip` (the pre-flight)."""
        self.emu.add_fault(service="cloudfront", action="GetDistributionConfig", fault="status", status=503,
                           path=f"/distribution/{dist_id}/", skip=skip)

    def by_id(self, r):
        return {x["Id"]: x for x in r.json()["Distributions"]}

    def attach_while_moved(self, dist_id, targets, *args, after_move=None):
        """certattach --json --timeout 90 --max-attempts 1 ARGS --cert new TARGETS, with dist_id's
        update made and its answer held until another tool has moved dist_id to `other` (and
        after_move ran); then the held connection closes with no answer. Held, not timed: the
        other change comes first on any machine. The tool's Result."""
        self.lose_updates(dist_id, then="stall", ms=60000, hold=True, count=1)
        result = {}
        t = threading.Thread(target=lambda: result.setdefault(
            "r", self.tool("certattach", *self.CHECK, "--json", "--timeout", "90", "--max-attempts", "1", *args,
                           "--cert", "new", *targets)))
        t.start()
        try:
            wait_until(lambda: any(dist_id in e["path"] for e in self.emu.log(action="UpdateDistribution")), 30,
                       0.02, f"{dist_id}'s update")
            status, body = cf_set_iam_cert(self.emu, dist_id, self.other)
            self.assertEqual(status, 200, body)
            if after_move is not None:
                after_move()
        finally:
            self.emu.release()
            t.join(120)
        return result["r"]

    def test_every_answer_lost_is_read_back_as_updated(self):
        d0, d1, d2 = self.ids
        self.lose_updates(d1)  # every answer to d1's update is lost; the update is made
        r = self.attach()
        self.assertEqual(r.rc, 0, r)
        by = self.by_id(r)
        for d in self.ids:
            self.assertEqual((by[d]["status"], by[d]["changed"], by[d]["exit_code"]), ("updated", True, 0), r)
            self.assertEqual(self.iam_id(d), self.new)
        self.assertGreaterEqual(self.emu.count("UpdateDistribution"), 2 + 2)  # d1 tried twice

    def test_rollback_puts_back_a_distribution_whose_answers_were_lost(self):
        # d0 updated, d1 updated but every answer lost, d2 refused: the rollback must put d0 and
        # d1 back (d1 as it was read back, with that read's ETag), leaving no mixed state.
        d0, d1, d2 = self.ids
        before = {d: cf_config_raw(self.emu, d)[1] for d in self.ids}
        self.lose_updates(d1)
        self.fail_update(d2)
        r = self.attach("--rollback-on-failure")
        self.assertEqual(r.rc, 4, r)
        by = self.by_id(r)
        self.assertEqual(by[d0]["status"], "rolled-back", r)
        self.assertEqual(by[d1]["status"], "rolled-back", r)
        self.assertEqual(by[d2]["status"], "failed", r)
        for d in self.ids:
            self.assertEqual(self.iam_id(d), self.old, d)
            self.assertEqual(cf_viewer_dict(cf_config_raw(self.emu, d)[1]), cf_viewer_dict(before[d]), d)
        # every rollback update carried the ETag of the read just before it
        log = self.emu.log(action="UpdateDistribution")
        self.assertTrue(all(e["status"] in (200, 400, 412) for e in log), log)

    def test_one_lost_answer_then_412_is_updated_and_rolled_back(self):
        # The first answer to d1's update is lost; the retry inside the request meets
        # PreconditionFailed (the update was made, the ETag moved on); read again, d1 already
        # holds the new certificate: that is our update ("updated", not "unchanged"), so the
        # rollback puts it back too.
        d0, d1, d2 = self.ids
        self.lose_updates(d1, count=1)
        self.fail_update(d2)
        r = self.attach("--rollback-on-failure")
        self.assertEqual(r.rc, 4, r)
        by = self.by_id(r)
        self.assertEqual([by[d]["status"] for d in self.ids], ["rolled-back", "rolled-back", "failed"], r)
        for d in self.ids:
            self.assertEqual(self.iam_id(d), self.old, d)
        self.assertIn(412, [e["status"] for e in self.emu.log(action="UpdateDistribution")])

    def test_unknown_when_reading_back_fails_too(self):
        d0, d1, d2 = self.ids
        self.lose_updates(d1)
        self.fail_reads(d1)
        r = self.attach()
        self.assertEqual(r.rc, 5, r)
        by = self.by_id(r)
        self.assertEqual((by[d1]["status"], by[d1]["changed"], by[d1]["exit_code"]), ("unknown", None, 5), r)
        self.assertIn("unknown", by[d1]["error"]["message"])
        self.assertEqual(r.json()["libcert"]["exit_code"], 5)
        for d in (d0, d2):
            self.assertEqual(by[d]["status"], "updated", r)
        self.emu.clear_faults()
        self.assertEqual(self.iam_id(d1), self.new)  # it had changed: "unknown" was honest
        # the text result says so too
        self.lose_updates(d1)
        self.fail_reads(d1, skip=1)
        r = self.tool("certattach", *self.CHECK, "--jobs", "1", "--max-attempts", "2", "--cert", "old", d1)
        self.assertEqual(r.rc, 5, r)
        self.assertRegex(r.out + r.err, rf"{d1} unknown")

    def test_unknown_with_rollback_stays_unknown_and_the_rest_goes_back(self):
        d0, d1, d2 = self.ids
        self.lose_updates(d1)
        self.fail_reads(d1)
        r = self.attach("--rollback-on-failure")
        self.assertEqual(r.rc, 5, r)
        by = self.by_id(r)
        self.assertEqual(by[d1]["status"], "unknown", r)
        for d in (d0, d2):
            self.assertEqual(by[d]["status"], "rolled-back", r)
            self.assertEqual(self.iam_id(d), self.old)

    def test_unknown_then_rollback_reads_it_and_puts_it_back(self):
        # The first read-back fails, the rollback's read works: it sees the new certificate and
        # puts the old one back.
        d0, d1, d2 = self.ids
        # only the read right after the lost update fails (its two attempts, --max-attempts 2);
        # the rollback's read works
        self.lose_updates(d1)
        self.emu.add_fault(service="cloudfront", action="GetDistributionConfig", fault="status", status=503,
                           path=f"/distribution/{d1}/", skip=1, count=2)
        self.fail_update(d2)
        r = self.attach("--rollback-on-failure")
        by = self.by_id(r)
        self.assertEqual(r.rc, 4, (r, by))
        self.assertEqual(by[d1]["status"], "rolled-back", r)
        for d in self.ids:
            self.assertEqual(self.iam_id(d), self.old, d)

    def test_someone_else_changed_it_meanwhile_is_left_alone(self):
        # d1's update is made, its answer is held; meanwhile another tool moves d1 to a third
        # certificate; then the connection closes with no answer (and libcurl's silent resend on
        # the dead connection, if it makes one, is reset). Read back, d1 holds neither: failed, and
        # the rollback of the others leaves it as the other tool left it.
        d0, d1, d2 = self.ids
        self.fail_update(d2)
        r = self.attach_while_moved(d1, self.ids, "--jobs", "1", "--rollback-on-failure",
                                    after_move=lambda: self.lose_updates(d1, fault="reset", count=1))
        self.assertEqual(r.rc, 5, r)  # d1: no answer, left alone; d2: refused (4)
        by = self.by_id(r)
        self.assertEqual(by[d1]["status"], "failed", r)
        self.assertFalse(by[d1]["changed"])
        self.assertIn("someone else changed it", by[d1]["error"]["message"])
        self.assertEqual(self.iam_id(d1), self.other)
        self.assertEqual(by[d0]["status"], "rolled-back", r)
        self.assertEqual(self.iam_id(d0), self.old)

    def test_libcurls_resend_refused_after_someone_else_changed_it_is_left_alone(self):
        # d1's update is made and its answer held; another tool moves d1 to a third
        # certificate; then the connection closes with no answer. libcurl sends the update
        # again by itself on a new connection (unseen by the caller but for its debug stream),
        # and CloudFront refuses it (412: the ETag moved twice). Read again, d1 holds neither
        # certificate: the update may have been ours and someone changed it after, so it is
        # left alone, as after any unknown outcome, not attached again over the other change.
        d1 = self.ids[0]
        r = self.attach_while_moved(d1, [d1])
        updates = [e["status"] for e in self.emu.log(action="UpdateDistribution") if d1 in e["path"]]
        self.assertEqual(updates, [200, 200, 412], r)  # ours (answer lost), theirs, libcurl's resend
        self.assertEqual(r.rc, 5, r)
        x = self.by_id(r)[d1]
        self.assertEqual(x["status"], "failed", r)
        self.assertFalse(x["changed"])
        self.assertIn("someone else changed it", x["error"]["message"])
        self.assertIn(self.other, x["error"]["message"])
        self.assertEqual(self.iam_id(d1), self.other)


class LostAnswersRotate(EmuTestCase):
    """certrotate: a lost answer read back as updated finishes the job; an unknown one stops it
    before any deletion, keeping the old certificate and the new one."""

    def setUp(self):
        super().setUp()
        self.old = upload_fixture(self.emu, "old", "rsa3072")["ServerCertificateId"]
        self.d1 = self.emu.create_distribution(aliases=["www.example.com"], viewer_certificate=self.old)["Id"]
        self.d2 = self.emu.create_distribution(aliases=["example.com"], viewer_certificate=self.old)["Id"]

    def rotate(self, *args):
        return self.tool("certrotate", *self.CHECK, "--json", "--jobs", "1", "--max-attempts", "2",
                         "--replace", "old", "--delete-old", *args, GOOD, timeout=180)

    def test_lost_answers_read_back_as_updated_finish_the_job(self):
        self.emu.add_fault(service="cloudfront", action="UpdateDistribution", fault="after", then="reset",
                           path=f"/distribution/{self.d2}/")
        r = self.rotate()
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        self.assertEqual([x["status"] for x in doc["Distributions"]], ["updated", "updated"], doc)
        self.assertEqual(doc["delete_old"]["status"], "deleted")
        self.assertNotIn("old", iam_names(self.emu))

    def test_unknown_keeps_both_certificates(self):
        self.emu.add_fault(service="cloudfront", action="UpdateDistribution", fault="after", then="reset",
                           path=f"/distribution/{self.d2}/")
        self.emu.add_fault(service="cloudfront", action="GetDistributionConfig", fault="status", status=503,
                           path=f"/distribution/{self.d2}/", skip=1)
        r = self.rotate()
        self.assertEqual(r.rc, 5, r)
        doc = r.json()
        by = {x["Id"]: x for x in doc["Distributions"]}
        self.assertEqual(by[self.d2]["status"], "unknown", doc)
        self.assertEqual(doc["libcert"]["stage"], "attach")
        self.assertIn("unknown", doc["libcert"]["error"]["message"])
        self.assertEqual(self.emu.count("DeleteServerCertificate"), 0)
        names = iam_names(self.emu)
        self.assertIn("old", names)
        self.assertEqual(len(names), 2, names)  # old and the new one
        # the rerun, with the faults gone, finds out and finishes
        self.emu.clear_faults()
        time.sleep(0.1)
        r = self.rotate()
        self.assertEqual(r.rc, 0, r)
        self.assertNotIn("old", iam_names(self.emu))


if __name__ == "__main__":
    unittest.main(verbosity=2)
