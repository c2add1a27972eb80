/* SPDX-License-Identifier: Apache-2.0 */
/* The wait for Deployed as a person sees it (render.h): a block that redraws in place on a
 * terminal, a line per change and a heartbeat a minute in a log. */
#include "libcert/text.h"
#include "report/render_int.h"
#include "util/error_int.h"

static const char *span(double s, char *buf, size_t size)
{
    long t = s > 0 ? (long)(s + 0.5) : 0;

    if (t >= 3600)
        snprintf(buf, size, "%ldh%02ldm", t / 3600, (t % 3600) / 60);
    else if (t >= 60)
        snprintf(buf, size, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(buf, size, "%lds", t);
    return buf;
}

static void summary(const cert_wait_status *s, FILE *f)
{
    char a[32], b[32];

    fprintf(f, "Deployed %zu/%zu", s->deployed, s->total);
    if (s->pending_count > 0)
        fprintf(f, ", longest wait %s, %s left before the timeout",
                span(s->longest_s, a, sizeof(a)), span(s->left_s, b, sizeof(b)));
    else if (s->done && s->deployed < s->total)
        fprintf(f, ", %zu not Deployed", s->total - s->deployed);
}

/* A block no taller than the terminal, drawn over the last one. */
static void block(const cert_wait_status *s, cert_wait_view *v, FILE *f)
{
    size_t room = v->rows > 2 ? (size_t)v->rows - 2 : 1, lines = 0;
    char a[32];

    if (v->drawn > 0)
        fprintf(f, "\033[%zuA", v->drawn);
    fputs("\033[2K", f);
    summary(s, f);
    fputc('\n', f);
    lines++;
    for (size_t i = 0; i < s->pending_count && !s->done; i++) {
        fputs("\033[2K", f);
        if (i + 1 == room && s->pending_count > room) {
            fprintf(f, "  ... and %zu more InProgress\n", s->pending_count - i);
            lines++;
            break;
        }
        cert_text_writef(f, "  %s InProgress, %s\n", s->pending[i],
                         span(s->pending_s[i], a, sizeof(a)));
        lines++;
    }
    /* clear what the last block had below this one */
    for (size_t i = lines; i < v->drawn; i++)
        fputs("\033[2K\n", f);
    if (v->drawn > lines)
        fprintf(f, "\033[%zuA", v->drawn - lines);
    v->drawn = lines;
}

/* A line per change, a heartbeat, and the end. */
static void lines(const cert_wait_status *s, FILE *f)
{
    char a[32];

    if (s->changed != NULL) {
        cert_text_writef(f, "%s Deployed (%zu/%zu, after %s)\n", s->changed, s->deployed, s->total,
                         span(s->longest_s, a, sizeof(a)));
        return;
    }
    fputs(s->done ? "wait over: " : "waiting for Deployed: ", f);
    summary(s, f);
    fputc('\n', f);
}

cert_err cert_wait_write(const cert_wait_status *s, cert_wait_view *v, FILE *f)
{
    if (s == NULL || v == NULL || f == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_wait_write: NULL argument");
    if (v->tty)
        block(s, v, f);
    else if (s->changed != NULL || s->heartbeat || s->done)
        lines(s, f);
    fflush(f);
    return ferror(f) ? cert__error_set(CERT_E_IO, "cannot write the wait's progress") : CERT_OK;
}
