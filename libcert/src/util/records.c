/* Records: the failure detail results keep (records.h). */
#include "libcert/records.h"

#include <stdlib.h>
#include <string.h>

#include "util/error_int.h"

static char *dup_or_null(const char *s)
{
    return s != NULL && s[0] != '\0' ? strdup(s) : NULL;
}

void cert_failure_clear(cert_failure *f)
{
    if (f == NULL)
        return;
    free(f->message);
    free(f->aws_code);
    free(f->request_id);
    memset(f, 0, sizeof(*f));
}

cert_err cert_failure_set(cert_failure *f, cert_err err, const char *message, const char *aws_code,
                          const char *request_id, long http_status)
{
    cert_failure n;

    if (f == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_failure_set: NULL failure");
    memset(&n, 0, sizeof(n));
    n.err = err;
    n.http_status = http_status;
    n.message = dup_or_null(message);
    n.aws_code = dup_or_null(aws_code);
    n.request_id = dup_or_null(request_id);
    cert_failure_clear(f);
    if ((message && message[0] && n.message == NULL) ||
        (aws_code && aws_code[0] && n.aws_code == NULL) ||
        (request_id && request_id[0] && n.request_id == NULL)) {
        cert_failure_clear(&n);
        f->err = err;
        return cert__error_nomem();
    }
    *f = n;
    return CERT_OK;
}

cert_err cert_failure_from_last(cert_failure *f, cert_err err)
{
    return cert_failure_set(f, err, cert_error_last()->message, NULL, NULL, 0);
}
