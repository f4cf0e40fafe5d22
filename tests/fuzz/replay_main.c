/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — replays files through LLVMFuzzerTestOneInput without libFuzzer:
 * `fuzz_parse_replay FILE|DIR...`. Built in the normal build so ctest
 * replays the committed corpus (tests/fuzz/corpus/) on every run. Exits
 * non-zero when an argument cannot be read; a bug aborts the process. */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The file being replayed, named on stderr if the harness aborts on it
 * (write(2) only: this runs in a signal handler). */
static const char *current;

static void name_current(int sig)
{
    if (current) {
        static const char what[] = "replay_main: failed while replaying ";
        ssize_t r = write(2, what, sizeof what - 1);
        r = write(2, current, strlen(current));
        r = write(2, "\n", 1);
        (void)r;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t cap = 4096, len = 0, got;
    uint8_t *buf = malloc(cap);
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            uint8_t *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    int err = ferror(f) || !buf;
    fclose(f);
    if (err) {
        fprintf(stderr, "%s: read failed\n", path);
        free(buf);
        return -1;
    }
    /* An exact-size copy, as libFuzzer gives, so ASan sees over-reads. */
    uint8_t *exact = malloc(len ? len : 1);
    if (!exact) {
        free(buf);
        return -1;
    }
    memcpy(exact, buf, len);
    free(buf);
    current = path;
    LLVMFuzzerTestOneInput(exact, len);
    current = NULL;
    free(exact);
    return 1;
}

static long replay(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return replay_file(path);
    DIR *d = opendir(path);
    if (!d) {
        perror(path);
        return -1;
    }
    long n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        size_t plen = strlen(path) + strlen(e->d_name) + 2;
        char *child = malloc(plen);
        if (!child)
            break;
        snprintf(child, plen, "%s/%s", path, e->d_name);
        long r = replay(child);
        free(child);
        if (r < 0) {
            n = -1;
            break;
        }
        n += r;
    }
    closedir(d);
    return n;
}

int main(int argc, char **argv)
{
    long total = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    /* SIGABRT only: a CHECK, or a sanitizer with abort_on_error; the
     * sanitizers' own SIGSEGV handlers stay in place. */
    signal(SIGABRT, name_current);
    for (int i = 1; i < argc; i++) {
        long n = replay(argv[i]);
        if (n < 0)
            return 1;
        total += n;
    }
    printf("replayed %ld input(s) without a crash\n", total);
    return total > 0 ? 0 : 1;
}
