/* SPDX-License-Identifier: Apache-2.0 */
/* libcert: everything. Include the per-concept headers instead when you need only one. */
#ifndef LIBCERT_LIBCERT_H
#define LIBCERT_LIBCERT_H

#include "acm.h"
#include "attach.h"
#include "aws.h"
#include "bundle.h"
#include "chain.h"
#include "checks.h"
#include "cloudfront.h"
#include "common.h"
#include "error.h"
#include "gate.h"
#include "iam.h"
#include "inventory.h"
#include "key.h"
#include "live.h"
#include "net.h"
#include "partition.h"
#include "process.h"
#include "prune.h"
#include "records.h"
#include "remote.h"
#include "render.h"
#include "report.h"
#include "results.h"
#include "rotate.h"
#include "route53.h"
#include "split.h"
#include "store.h"
#include "text.h"
#include "upload.h"

#endif
