#include "json.h"

#include <stdlib.h>
#include <string.h>

#include "error_int.h"

cert_err cert__json_write(const json_t *j, FILE *f)
{
    char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    size_t n;
    bool ok;

    if (text == NULL)
        return cert__error_nomem();
    n = strlen(text);
    text[n] = '\n'; /* json_dumps leaves room: its terminating NUL becomes the newline */
    ok = fwrite(text, 1, n + 1, f) == n + 1;
    free(text);
    return ok ? CERT_OK : cert__error_set(CERT_E_IO, "cannot write the JSON document");
}
