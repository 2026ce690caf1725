/* afterburn [-s] [-o OUT] [IN...]: afterburn GNU as source (stdin and
 * stdout by default). Several inputs form one assembly unit, as they do
 * for as. Exit 1 on any error, 2 on bad usage. A regular (or missing) OUT
 * is written as a temporary file beside it and renamed over it on
 * success, so on error OUT is untouched; any other OUT (a device such as
 * /dev/null, a FIFO, a symlink) is written through and never removed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "burn.h"
#include "classify.h"

static void usage(void)
{
	fputs("usage: afterburn [-s] [-o OUT] [IN...]\n"
	      "  -o OUT  write OUT instead of standard output\n"
	      "  -s      print sites per instruction class to standard error\n",
	      stderr);
	exit(2);
}

/* Open OUT_PATH for writing. *TMP gets the temporary file to rename over
 * it on success ("" if OUT is written directly). */
static FILE *open_out(const char *out_path, char *tmp, size_t cap)
{
	struct stat st;
	tmp[0] = 0;
	if (lstat(out_path, &st) == 0 && !S_ISREG(st.st_mode))
		return fopen(out_path, "w");	/* not ours to replace */
	if (snprintf(tmp, cap, "%s.afterburn-XXXXXX", out_path) >= (int)cap) {
		errno = ENAMETOOLONG;
		tmp[0] = 0;
		return NULL;
	}
	int fd = mkstemp(tmp);
	if (fd < 0) {
		tmp[0] = 0;
		return NULL;
	}
	mode_t mask = umask(0);	/* the mode a plain fopen would give */
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0) {
		close(fd);
		unlink(tmp);
		tmp[0] = 0;
		return NULL;
	}
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		tmp[0] = 0;
	}
	return f;
}

int main(int argc, char **argv)
{
	const char *out_path = NULL;
	bool stats = false;
	int opt;
	while ((opt = getopt(argc, argv, "so:h")) != -1) {
		if (opt == 'o')
			out_path = optarg;
		else if (opt == 's')
			stats = true;
		else
			usage();
	}
	FILE *out = stdout;
	char tmp[4096] = "";
	if (out_path && !(out = open_out(out_path, tmp, sizeof(tmp)))) {
		perror(out_path);
		return 1;
	}
	struct ab_ctx c;
	ab_ctx_init(&c, stderr);
	const char *stdin_name = "-";
	char **in = argv + optind;
	int nin = argc - optind;
	if (nin == 0) {
		in = (char **)&stdin_name;
		nin = 1;
	}
	char **bufs = calloc((size_t)nin, sizeof(*bufs));
	size_t *lens = calloc((size_t)nin, sizeof(*lens));
	const char **names = calloc((size_t)nin, sizeof(*names));
	if (!bufs || !lens || !names)
		return 1;
	for (int i = 0; i < nin; i++) {
		bufs[i] = ab_read_file(in[i], &lens[i]);
		names[i] = strcmp(in[i], "-") ? in[i] : "<stdin>";
		if (!bufs[i]) {
			perror(in[i]);
			return 1;
		}
	}
	ab_burn_unit(&c, nin, names, (const char *const *)bufs, lens, out);
	for (int i = 0; i < nin; i++)
		free(bufs[i]);
	free(bufs);
	free(lens);
	free(names);
	if (stats) {
		fprintf(stderr, "afterburn: %u sites (%u padded before: interrupt shadow), "
			"%u decided per macro expansion, %u after .code16 (outside bodies)\n",
			c.sites, c.shadow_sites, c.dynamic_sites, c.sites16);
		for (int k = 0; k < AB_CLASS_COUNT; k++)
			if (c.per_class[k])
				fprintf(stderr, "  %-10s %u\n", ab_classes[k].name, c.per_class[k]);
	}
	if (fflush(out) != 0 || (out != stdout && fclose(out) != 0)) {
		perror(out_path ? out_path : "stdout");
		c.errors++;
	}
	unsigned errors = c.errors;
	ab_ctx_fini(&c);
	if (tmp[0]) {	/* only ever remove the file this run created */
		if (errors)
			unlink(tmp);
		else if (rename(tmp, out_path) != 0) {
			perror(out_path);
			unlink(tmp);
			errors++;
		}
	}
	return errors ? 1 : 0;
}
